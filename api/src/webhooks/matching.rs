//! Which automations a delivery triggers: the routing plan's filter, over the facts a delivery
//! carries, whether it is being received ([`Normalized`]) or replayed (a stored row).

use entity::{automation, webhook_delivery as delivery};

use crate::domain::service_hook::comments;
use crate::domain::service_hook::{EventKind, Normalized, short_branch};
use crate::store::automations as rows;

/// What an automation's filters look at, borrowed from a delivery in either shape.
pub struct Facts<'a> {
    pub kind: EventKind,
    pub project: Option<&'a str>,
    pub project_id: Option<&'a str>,
    pub repository: Option<&'a str>,
    pub repository_id: Option<&'a str>,
    /// Full ref: the pushed ref, or a pull request's target.
    pub ref_name: Option<&'a str>,
    pub comment_text: Option<&'a str>,
    pub comment_edited: bool,
    /// JSON object id → display name of the comment's resolved mentions.
    pub mention_names: Option<&'a str>,
}

impl<'a> From<&'a Normalized> for Facts<'a> {
    fn from(n: &'a Normalized) -> Self {
        Facts {
            kind: n.kind(),
            project: n.project.as_deref(),
            project_id: n.project_id.as_deref(),
            repository: n.repository.as_deref(),
            repository_id: n.repository_id.as_deref(),
            ref_name: n.ref_name.as_deref(),
            comment_text: n.comment_text.as_deref(),
            comment_edited: n.comment_edited,
            mention_names: n.mention_names.as_deref(),
        }
    }
}

impl<'a> From<&'a delivery::Model> for Facts<'a> {
    fn from(d: &'a delivery::Model) -> Self {
        Facts {
            kind: EventKind::parse(&d.kind),
            project: d.project.as_deref(),
            project_id: d.project_id.as_deref(),
            repository: d.repository.as_deref(),
            repository_id: d.repository_id.as_deref(),
            ref_name: d.ref_name.as_deref(),
            comment_text: d.comment_text.as_deref(),
            comment_edited: d.comment_edited,
            mention_names: d.comment_mentions.as_deref(),
        }
    }
}

/// Whether a delivery with `facts` passes every filter of `a`. Names compare case-insensitively;
/// `repository` also matches the repository id; the branch glob applies to the pushed branch or a
/// PR's target; a trigger phrase only matches comment events whose text contains it
/// (case-insensitively), with each resolved `@<GUID>` mention read as `@Display Name`. An edited
/// comment matches nothing: it was heard when it was new.
pub fn matches(a: &automation::Model, facts: &Facts<'_>) -> bool {
    if !rows::event_types(a).iter().any(|t| t == facts.kind.as_str()) {
        return false;
    }
    if facts.comment_edited {
        return false;
    }
    let same = |want: &Option<String>, have: &[Option<&str>]| match want {
        None => true,
        Some(w) => have.iter().any(|h| h.is_some_and(|h| h.eq_ignore_ascii_case(w))),
    };
    if !same(&a.project, &[facts.project, facts.project_id])
        || !same(&a.repository, &[facts.repository, facts.repository_id])
    {
        return false;
    }
    if let Some(glob) = &a.branch {
        match facts.ref_name.map(short_branch) {
            Some(branch) if glob_match(glob, branch) => {}
            _ => return false,
        }
    }
    if let Some(phrase) = &a.trigger_phrase {
        let text = facts.comment_text.unwrap_or_default();
        let names: Option<serde_json::Map<String, serde_json::Value>> =
            facts.mention_names.and_then(|m| serde_json::from_str(m).ok());
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

#[cfg(test)]
mod tests {
    use super::*;

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
            secret_version: 1,
            secret_set_at: None,
        }
    }

    fn comment<'a>(text: &'a str, edited: bool, mentions: Option<&'a str>) -> Facts<'a> {
        Facts {
            kind: EventKind::PullRequestCommented,
            project: None,
            project_id: None,
            repository: None,
            repository_id: None,
            ref_name: None,
            comment_text: Some(text),
            comment_edited: edited,
            mention_names: mentions,
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
