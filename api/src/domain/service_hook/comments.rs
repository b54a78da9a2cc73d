//! Pull-request comment details of a delivery: whether it is an edit, and the identities it mentions.
//!
//! The comment event fires on edits too (docs `service-hooks/events.md`
//! 06/16/2025): a comment is new only when `lastContentUpdatedDate` equals `publishedDate`; when
//! either date is missing, the message text decides ("... has edited a pull request comment").
//! A mention picked in the UI is stored as `@<GUID>` (observed microsoft/azure-devops-go-api#40).

use chrono::DateTime;
use serde_json::Value;

use super::envelope::s;

/// Whether `comment` (the event's `resource.comment`) is an edit of an earlier comment.
pub fn is_edit(comment: &Value, message_text: &Value) -> bool {
    let date = |k: &str| s(&comment[k]).and_then(|d| DateTime::parse_from_rfc3339(&d).ok());
    match (date("publishedDate"), date("lastContentUpdatedDate")) {
        (Some(published), Some(content)) => content > published,
        _ => s(message_text).is_some_and(|t| t.to_lowercase().contains(" has edited ")),
    }
}

/// The identity ids mentioned as `@<GUID>` in `text`, lower case, in order, without repeats.
pub fn mentions(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("@<") {
        rest = &rest[at + 2..];
        let Some(end) = rest.find('>') else { break };
        if let Ok(id) = uuid::Uuid::parse_str(&rest[..end]) {
            let id = id.hyphenated().to_string();
            if !out.contains(&id) {
                out.push(id);
            }
            rest = &rest[end + 1..];
        }
    }
    out
}

/// `text` with each resolved `@<GUID>` mention written as `@Display Name` (what a trigger phrase
/// such as `@Build Bot retry` is compared with); unresolved mentions stay as they are.
pub fn with_names(text: &str, names: &serde_json::Map<String, Value>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("@<") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let resolved = after.find('>').and_then(|end| {
            let id = uuid::Uuid::parse_str(&after[..end]).ok()?.hyphenated().to_string();
            Some((names.get(&id)?.as_str()?.to_owned(), end))
        });
        match resolved {
            Some((name, end)) => {
                out.push('@');
                out.push_str(&name);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("@<");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_comment_is_an_edit_when_its_content_changed_after_it_was_published() {
        let new =
            json!({"publishedDate": "2025-03-04T13:05:10.12Z", "lastContentUpdatedDate": "2025-03-04T13:05:10.12Z"});
        let edited = json!({"publishedDate": "2024-06-17T11:22:33.456789Z", "lastContentUpdatedDate": "2024-06-17T16:58:33.123889Z"});
        let says_edited = json!("Jamal Hartnett has edited a pull request comment");
        assert!(!is_edit(&new, &says_edited), "the dates decide when both are there");
        assert!(is_edit(&edited, &Value::Null));
        assert!(is_edit(&json!({}), &says_edited), "without dates, the message decides");
        assert!(!is_edit(&json!({}), &json!("Jamal Hartnett has commented on a pull request")));
    }

    #[test]
    fn mentions_are_the_guids_in_angle_brackets() {
        let text = "@<1601DE0C-6F44-4F34-9E4A-2B1B6B4F0C1D> please, and @<1601de0c-6f44-4f34-9e4a-2b1b6b4f0c1d> @<not-a-guid> @bot";
        assert_eq!(mentions(text), vec!["1601de0c-6f44-4f34-9e4a-2b1b6b4f0c1d".to_owned()]);
        assert!(mentions("no mention @<").is_empty());
    }

    #[test]
    fn resolved_mentions_read_as_display_names() {
        let names = json!({"1601de0c-6f44-4f34-9e4a-2b1b6b4f0c1d": "Build Bot"});
        let names = names.as_object().unwrap();
        assert_eq!(
            with_names("@<1601DE0C-6F44-4F34-9E4A-2B1B6B4F0C1D> retry @<00000000-0000-0000-0000-000000000001>", names),
            "@Build Bot retry @<00000000-0000-0000-0000-000000000001>"
        );
    }
}
