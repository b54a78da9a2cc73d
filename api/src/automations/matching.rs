//! Which automations a delivery triggers, and how a send is signed.

use entity::{automation, webhook_delivery as delivery};
use sha2::{Digest, Sha256};

use crate::domain::service_hook::comments;
use crate::domain::service_hook::{EventKind, short_branch};
use crate::store::automations as rows;

/// Whether `d` passes every filter of `a`. Names compare case-insensitively; `repository` also
/// matches the repository id; the branch glob applies to the pushed branch or a PR's target;
/// a trigger phrase only matches comment events whose text contains it (case-insensitively), with
/// each resolved `@<GUID>` mention read as `@Display Name`. An edited comment matches nothing: it
/// was heard when it was new.
pub fn matches(a: &automation::Model, d: &delivery::Model) -> bool {
    let kind = EventKind::parse(&d.kind);
    if !rows::event_types(a).iter().any(|t| t == kind.as_str()) {
        return false;
    }
    if d.comment_edited {
        return false;
    }
    let same = |want: &Option<String>, have: &[&Option<String>]| match want {
        None => true,
        Some(w) => have.iter().any(|h| h.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(w))),
    };
    if !same(&a.project, &[&d.project, &d.project_id]) || !same(&a.repository, &[&d.repository, &d.repository_id]) {
        return false;
    }
    if let Some(glob) = &a.branch {
        match d.ref_name.as_deref().map(short_branch) {
            Some(branch) if glob_match(glob, branch) => {}
            _ => return false,
        }
    }
    if let Some(phrase) = &a.trigger_phrase {
        let text = d.comment_text.as_deref().unwrap_or_default();
        let names: Option<serde_json::Map<String, serde_json::Value>> =
            d.comment_mentions.as_deref().and_then(|m| serde_json::from_str(m).ok());
        let text = match &names {
            Some(names) => comments::with_names(text, names),
            None => text.to_owned(),
        }
        .to_lowercase();
        if !text.contains(&phrase.to_lowercase()) {
            return false;
        }
    }
    true
}

/// `*` matches any run of characters (also `/`), `?` exactly one; everything else literally.
pub fn glob_match(glob: &str, text: &str) -> bool {
    let (g, t): (Vec<char>, Vec<char>) = (glob.chars().collect(), text.chars().collect());
    let (mut gi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if gi < g.len() && (g[gi] == '?' || g[gi] == t[ti]) {
            gi += 1;
            ti += 1;
        } else if gi < g.len() && g[gi] == '*' {
            star = Some(gi);
            mark = ti;
            gi += 1;
        } else if let Some(s) = star {
            gi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    g[gi..].iter().all(|c| *c == '*')
}

/// HMAC-SHA256 (RFC 2104) of `body` under `key`, hex: the `X-Vcslink-Signature: sha256=...` value.
pub fn sign(key: &[u8], body: &[u8]) -> String {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(body);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    hex::encode(outer.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            sign(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    fn automation(phrase: &str) -> automation::Model {
        automation::Model {
            id: "a".into(),
            tenant_id: "t".into(),
            integration_id: "i".into(),
            name: "bot".into(),
            event_types: r#"["PULL_REQUEST_COMMENTED"]"#.into(),
            project: None,
            repository: None,
            branch: None,
            trigger_phrase: Some(phrase.into()),
            target_url: "https://hooks.example.net/".into(),
            secret_sealed: None,
            created_at: chrono::Utc::now(),
        }
    }

    fn comment(text: &str, edited: bool, mentions: Option<&str>) -> delivery::Model {
        delivery::Model {
            id: "d".into(),
            tenant_id: "t".into(),
            integration_id: "i".into(),
            event_id: "e".into(),
            notification_id: None,
            subscription_id: None,
            event_type: "ms.vss-code.git-pullrequest-comment-event".into(),
            kind: "PULL_REQUEST_COMMENTED".into(),
            publisher_id: None,
            resource_version: None,
            organization: None,
            project_id: None,
            project: None,
            repository_id: None,
            repository: None,
            ref_name: None,
            source_ref_name: None,
            commits: None,
            pull_request_number: None,
            work_item_id: None,
            actor: None,
            comment_text: Some(text.into()),
            event_created_at: None,
            received_at: chrono::Utc::now(),
            duplicate_count: 0,
            outcome: "PROCESSED".into(),
            outcome_message: None,
            processed_at: None,
            payload: "{}".into(),
            comment_edited: edited,
            actor_user: None,
            comment_mentions: mentions.map(str::to_owned),
        }
    }

    #[test]
    fn a_resolved_mention_matches_a_phrase_naming_that_identity() {
        let names = r#"{"1601de0c-6f44-4f34-9e4a-2b1b6b4f0c1d":"Build Bot"}"#;
        let text = "@<1601DE0C-6F44-4F34-9E4A-2B1B6B4F0C1D> retry please";
        let a = automation("@build bot retry");
        assert!(matches(&a, &comment(text, false, Some(names))));
        assert!(!matches(&a, &comment(text, false, None)), "unresolved, the GUID is not the name");
        assert!(matches(&a, &comment("@Build Bot retry", false, None)), "a typed name still matches");
    }

    #[test]
    fn an_edited_comment_matches_nothing() {
        assert!(matches(&automation("/bot retry"), &comment("/bot retry", false, None)));
        assert!(!matches(&automation("/bot retry"), &comment("/bot retry", true, None)));
    }

    #[test]
    fn globs_match_branches() {
        assert!(glob_match("main", "main"));
        assert!(glob_match("release/*", "release/1.2"));
        assert!(glob_match("*", "feature/a/b"));
        assert!(glob_match("v?.x", "v1.x"));
        assert!(!glob_match("release/*", "main"));
        assert!(!glob_match("main", "mainline"));
    }
}
