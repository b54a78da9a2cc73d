//! Who acted on a pull request update or merge attempt.
//!
//! The payload of `git.pullrequest.updated` / `.merged` is the pull request itself: `createdBy` is
//! its author, not whoever changed it, and no field names the actor (docs
//! `service-hooks/events.md`, "Pull request updated"). Only the message text does ("Dana Kim
//! marked the pull request as completed"). So the actor is the identity of the payload (author, reviewers, `closedBy`,
//! `autoCompleteSetBy`) whose display name the message text starts with, the longest such name
//! winning; without a message that names one, `closedBy` of a completed pull request; else unknown.
//! Never the author by default.

use serde_json::Value;

use super::envelope::s;

/// The identity reference of whoever acted on `pr`, per the rules above; `None` when unknown.
pub fn of_update<'a>(message_text: &Value, pr: &'a Value) -> Option<&'a Value> {
    let candidates = identities(pr);
    if let Some(text) = s(message_text) {
        let named = candidates
            .iter()
            .filter_map(|c| Some((*c, s(&c["displayName"])?)))
            .filter(|(_, name)| starts_with_name(&text, name))
            .max_by_key(|(_, name)| name.chars().count());
        if let Some((who, _)) = named {
            return Some(who);
        }
    }
    let completed = s(&pr["status"]).is_some_and(|st| st.eq_ignore_ascii_case("completed"));
    (completed && pr["closedBy"].is_object()).then(|| &pr["closedBy"])
}

/// `Name <account>` → (`Name`, `Some(account)`); anything else is a name alone.
pub fn split_display_string(text: &str) -> (String, Option<String>) {
    if let Some((name, rest)) = text.rsplit_once('<')
        && let Some(account) = rest.strip_suffix('>')
        && !name.trim().is_empty()
        && !account.trim().is_empty()
    {
        return (name.trim().to_owned(), Some(account.trim().to_owned()));
    }
    (text.to_owned(), None)
}

fn identities(pr: &Value) -> Vec<&Value> {
    let mut out: Vec<&Value> =
        ["createdBy", "closedBy", "autoCompleteSetBy"].iter().map(|k| &pr[*k]).filter(|v| v.is_object()).collect();
    if let Some(reviewers) = pr["reviewers"].as_array() {
        out.extend(reviewers.iter().filter(|r| r.is_object()));
    }
    out
}

/// `text` begins with `name` followed by a space (or ends there), compared case-insensitively.
fn starts_with_name(text: &str, name: &str) -> bool {
    let (t, n) = (text.trim_start().to_lowercase(), name.to_lowercase());
    t.strip_prefix(&n).is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pr() -> Value {
        json!({"status": "active",
               "createdBy": {"displayName": "Dana Kim", "uniqueName": "dana@contoso.com"},
               "reviewers": [{"displayName": "Lee Park", "uniqueName": "lee@contoso.com"},
                             {"displayName": "Lee", "uniqueName": "lee2@contoso.com"}]})
    }

    #[test]
    fn the_actor_of_an_update_is_the_identity_the_message_names_not_the_author() {
        let pr = pr();
        let who = of_update(&json!("Lee Park approved pull request 318"), &pr).unwrap();
        assert_eq!(who["uniqueName"], "lee@contoso.com", "the longest matching name wins");
        let who = of_update(&json!("Dana Kim marked the pull request as completed"), &pr).unwrap();
        assert_eq!(who["uniqueName"], "dana@contoso.com");
    }

    #[test]
    fn an_update_by_someone_the_payload_does_not_name_has_no_actor() {
        assert!(of_update(&json!("Jamal Hartnett updated the source branch"), &pr()).is_none());
        assert!(of_update(&Value::Null, &pr()).is_none(), "never the author by default");
    }

    #[test]
    fn a_completed_pull_request_without_a_message_is_closed_by_its_closer() {
        let mut pr = pr();
        pr["status"] = json!("completed");
        pr["closedBy"] = json!({"displayName": "Ana Silva", "uniqueName": "ana@contoso.com"});
        assert_eq!(of_update(&Value::Null, &pr).unwrap()["uniqueName"], "ana@contoso.com");
        assert_eq!(
            of_update(&json!("Lee Park marked the pull request as completed"), &pr).unwrap()["uniqueName"],
            "lee@contoso.com",
            "the message wins over closedBy"
        );
    }

    #[test]
    fn display_strings_may_carry_an_account() {
        assert_eq!(
            split_display_string("Dana Kim <dana@contoso.com>"),
            ("Dana Kim".into(), Some("dana@contoso.com".into()))
        );
        assert_eq!(split_display_string("Jamal Hartnett"), ("Jamal Hartnett".into(), None));
    }
}
