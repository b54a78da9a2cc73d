//! The Service Hook envelope and its normalized fields, for every event type vcslink routes.
//!
//! Pure parsing: tolerant of missing optional fields (resource versions 1.0 and 2.0, Services and
//! Server, `dev.azure.com` and `*.visualstudio.com` URLs). Nothing is refused: a body that is not
//! JSON, an envelope without `id`, `eventType` or `resource`, or an unknown event type parses to a
//! delivery marked quarantined (kept and acknowledged, never routed), because Azure DevOps puts a
//! subscription on probation after any 4xx (docs `service-hooks/troubleshoot.md`).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::event_kind::EventKind;

/// A pushed commit, as the ledger shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Commit {
    pub id: String,
    pub message: Option<String>,
    pub author: Option<String>,
}

/// The envelope and the fields vcslink routes on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Normalized {
    /// The envelope `id`, or a SHA-256 of the body when absent (the dedup key).
    pub event_id: String,
    pub notification_id: Option<i64>,
    pub subscription_id: Option<String>,
    pub event_type: String,
    pub publisher_id: Option<String>,
    pub resource_version: Option<String>,
    /// Lower-case organization (or collection) name, from the resource containers or resource URLs.
    pub organization: Option<String>,
    pub project_id: Option<String>,
    pub project: Option<String>,
    pub repository_id: Option<String>,
    pub repository: Option<String>,
    /// Full ref: the pushed ref, or a pull request's target.
    pub ref_name: Option<String>,
    /// A pull request's source ref.
    pub source_ref_name: Option<String>,
    pub commits: Vec<Commit>,
    pub pull_request_number: Option<i32>,
    pub work_item_id: Option<i32>,
    /// Who acted (display name); for pull-request updates and merges see [`super::actor`].
    pub actor: Option<String>,
    /// The actor's unique name (e-mail or account), when the payload gives an identity reference.
    pub actor_user: Option<String>,
    pub comment_text: Option<String>,
    /// An edited pull-request comment (`lastContentUpdatedDate` after `publishedDate`).
    pub comment_edited: bool,
    /// Identity ids (lower case) mentioned as `@<GUID>` in the comment.
    pub mentions: Vec<String>,
    /// JSON object id → display name of the mentions resolved before storing ([`crate::webhooks::mentions`]).
    pub mention_names: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// Why the delivery is set aside (kept, acknowledged, not routed); `None` when usable.
    pub quarantine: Option<String>,
}

impl Normalized {
    /// The normalized kind: `Other` for a quarantined delivery, whatever its `eventType` says.
    pub fn kind(&self) -> EventKind {
        if self.quarantine.is_some() {
            return EventKind::Other;
        }
        EventKind::from_event_type(&self.event_type)
    }

    /// A delivery that is set aside for `reason`, deduplicated on the SHA-256 of its body.
    /// Fits every field into its `webhook_deliveries` column ([`limits`]): an over-long id is kept
    /// as `sha256:<hex>` of itself (still a stable key, never a false match), an over-long name is
    /// cut at a character boundary. One oversized field then never fails the row, nor the group
    /// commit it shares with other deliveries.
    fn fit_columns(&mut self) {
        use limits::*;
        let id = |v: &mut Option<String>, max: usize| {
            if let Some(long) = v.as_ref().filter(|x| x.len() > max) {
                *v = Some(format!("sha256:{}", hex::encode(Sha256::digest(long.as_bytes()))));
            }
        };
        id(&mut self.subscription_id, SUBSCRIPTION_ID);
        id(&mut self.project_id, PROJECT_ID);
        id(&mut self.repository_id, REPOSITORY_ID);
        let name = |v: &mut Option<String>, max: usize| {
            if let Some(text) = v.as_mut() {
                cut(text, max);
            }
        };
        name(&mut self.publisher_id, PUBLISHER_ID);
        name(&mut self.resource_version, RESOURCE_VERSION);
        name(&mut self.organization, ORGANIZATION);
        name(&mut self.project, PROJECT);
        name(&mut self.repository, REPOSITORY);
        name(&mut self.ref_name, REF_NAME);
        name(&mut self.source_ref_name, REF_NAME);
        name(&mut self.actor, ACTOR);
        name(&mut self.actor_user, ACTOR);
        cut(&mut self.event_type, EVENT_TYPE);
    }

    pub fn quarantined(sha256_hex: &str, reason: String) -> Normalized {
        Normalized { event_id: format!("sha256:{sha256_hex}"), quarantine: Some(reason), ..Normalized::default() }
    }
}

/// The byte lengths of the `webhook_deliveries` columns (migrations 000004 and 000005) that
/// envelope fields are stored in; [`Normalized`] never holds more.
pub mod limits {
    pub const EVENT_ID: usize = 200;
    pub const SUBSCRIPTION_ID: usize = 200;
    pub const EVENT_TYPE: usize = 200;
    pub const PUBLISHER_ID: usize = 100;
    pub const RESOURCE_VERSION: usize = 20;
    pub const ORGANIZATION: usize = 200;
    pub const PROJECT_ID: usize = 100;
    pub const PROJECT: usize = 200;
    pub const REPOSITORY_ID: usize = 100;
    pub const REPOSITORY: usize = 200;
    pub const REF_NAME: usize = 400;
    pub const ACTOR: usize = 400;
}

/// Cuts `text` to at most `max` bytes, at a character boundary.
fn cut(text: &mut String, max: usize) {
    if text.len() > max {
        let end = (0..=max).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        text.truncate(end);
    }
}

pub(super) fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

fn int(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str().and_then(|t| t.trim().parse().ok()))
}

/// An identity reference (`IDREF`) or, in older samples, a display string.
fn identity(v: &Value) -> Option<String> {
    s(&v["displayName"]).or_else(|| s(&v["uniqueName"])).or_else(|| s(v))
}

/// Sets the actor from an identity reference: display name and, when it has one, unique name.
fn set_actor(n: &mut Normalized, v: &Value) {
    n.actor = identity(v);
    n.actor_user = if v.is_object() { s(&v["uniqueName"]) } else { None };
}

/// Parses a delivery body; never fails (see the module note on quarantine).
pub fn parse(body: &[u8]) -> Normalized {
    let sha = || hex::encode(Sha256::digest(body));
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Normalized::quarantined(&sha(), format!("quarantined: the body is not JSON ({e})")),
    };
    if !v.is_object() {
        return Normalized::quarantined(&sha(), "quarantined: the body is not a JSON object".into());
    }
    let event_type = s(&v["eventType"]).unwrap_or_default();
    let missing: Vec<&str> = [("id", s(&v["id"]).is_none()), ("eventType", event_type.is_empty())]
        .into_iter()
        .chain([("resource", !v["resource"].is_object())])
        .filter_map(|(name, absent)| absent.then_some(name))
        .collect();
    let quarantine = if !missing.is_empty() {
        Some(format!("quarantined: the envelope has no {}", missing.join(", ")))
    } else if EventKind::from_event_type(&event_type) == EventKind::Other {
        Some(format!("quarantined: unknown event type {event_type:?}"))
    } else {
        None
    };
    let mut n = Normalized {
        // The dedup key fits its column (200): a longer id is kept as its hash.
        event_id: match s(&v["id"]) {
            Some(id) if id.len() <= limits::EVENT_ID => id,
            Some(id) => format!("sha256:{}", hex::encode(Sha256::digest(id.as_bytes()))),
            None => format!("sha256:{}", sha()),
        },
        notification_id: int(&v["notificationId"]),
        subscription_id: s(&v["subscriptionId"]),
        publisher_id: s(&v["publisherId"]),
        resource_version: s(&v["resourceVersion"]),
        created_at: s(&v["createdDate"]).and_then(|d| DateTime::parse_from_rfc3339(&d).ok()).map(|d| d.to_utc()),
        project_id: s(&v["resourceContainers"]["project"]["id"]),
        event_type,
        quarantine,
        ..Normalized::default()
    };
    let resource = &v["resource"];
    match EventKind::from_event_type(&n.event_type) {
        EventKind::CodePushed => push(&mut n, resource),
        EventKind::PullRequestCreated => {
            pull_request(&mut n, resource);
            set_actor(&mut n, &resource["createdBy"]);
        }
        EventKind::PullRequestUpdated | EventKind::PullRequestMergeAttempted => {
            pull_request(&mut n, resource);
            // `createdBy` is the author, not who acted (docs `service-hooks/events.md`).
            if let Some(who) = super::actor::of_update(&v["message"]["text"], resource) {
                set_actor(&mut n, who);
            }
        }
        EventKind::PullRequestCommented => pr_comment(&mut n, resource, &v["message"]["text"]),
        EventKind::WorkItemCommented => work_item(&mut n, resource),
        EventKind::Other => {
            if resource["repository"].is_object() {
                repository(&mut n, &resource["repository"]);
            }
        }
    }
    let container_url =
        ["collection", "account", "project"].iter().find_map(|c| s(&v["resourceContainers"][*c]["baseUrl"]));
    n.organization = container_url
        .as_deref()
        .and_then(organization_of)
        .or_else(|| s(&resource["url"]).as_deref().and_then(organization_of))
        .or_else(|| s(&resource["repository"]["url"]).as_deref().and_then(organization_of))
        .or(n.organization.take());
    n.fit_columns();
    n
}

fn repository(n: &mut Normalized, repo: &Value) {
    n.repository_id = s(&repo["id"]).or(n.repository_id.take());
    n.repository = s(&repo["name"]).or(n.repository.take());
    n.project = s(&repo["project"]["name"]).or(n.project.take());
    n.project_id = s(&repo["project"]["id"]).or(n.project_id.take());
}

fn push(n: &mut Normalized, r: &Value) {
    repository(n, &r["repository"]);
    n.ref_name = r["refUpdates"].as_array().and_then(|u| u.first()).and_then(|u| s(&u["name"]));
    n.commits = commits(&r["commits"]);
    set_actor(n, &r["pushedBy"]);
}

fn commits(v: &Value) -> Vec<Commit> {
    v.as_array()
        .map(|list| {
            list.iter()
                .filter_map(|c| {
                    Some(Commit {
                        id: s(&c["commitId"])?,
                        message: s(&c["comment"]),
                        author: s(&c["author"]["name"]).or_else(|| s(&c["author"]["email"])),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn pull_request(n: &mut Normalized, pr: &Value) {
    repository(n, &pr["repository"]);
    n.pull_request_number = int(&pr["pullRequestId"]).and_then(|i| i32::try_from(i).ok());
    n.ref_name = s(&pr["targetRefName"]);
    n.source_ref_name = s(&pr["sourceRefName"]);
    n.commits = commits(&pr["commits"]);
}

/// Resource 2.0 is `{comment, pullRequest}`; 1.0 may carry only the comment, whose `_links`
/// name the repository and the pull request.
fn pr_comment(n: &mut Normalized, r: &Value, message: &Value) {
    let comment = if r["comment"].is_object() { &r["comment"] } else { r };
    if r["pullRequest"].is_object() {
        pull_request(n, &r["pullRequest"]);
    }
    n.comment_text = s(&comment["content"]);
    set_actor(n, &comment["author"]);
    n.comment_edited = super::comments::is_edit(comment, message);
    n.mentions = super::comments::mentions(n.comment_text.as_deref().unwrap_or_default());
    let link = s(&comment["_links"]["self"]["href"]).or_else(|| s(&comment["_links"]["threads"]["href"]));
    if let Some(link) = link {
        if n.pull_request_number.is_none() {
            n.pull_request_number = segment_after(&link, "pullrequests").and_then(|x| x.parse().ok());
        }
        if n.repository_id.is_none() {
            n.repository_id = segment_after(&link, "repositories");
        }
        if n.organization.is_none() {
            n.organization = organization_of(&link);
        }
    }
}

fn work_item(n: &mut Normalized, r: &Value) {
    let fields = &r["fields"];
    n.work_item_id = int(&r["id"]).or_else(|| int(&r["workItemId"])).and_then(|i| i32::try_from(i).ok());
    n.project = s(&fields["System.TeamProject"]);
    n.comment_text = s(&fields["System.History"]);
    let changed_by = &fields["System.ChangedBy"];
    if changed_by.is_object() {
        set_actor(n, changed_by);
    } else if let Some(text) = s(changed_by) {
        // A display string; on some servers `Name <account>` (the docs sample has a bare name; the real format is unconfirmed).
        let (name, user) = super::actor::split_display_string(&text);
        n.actor = Some(name);
        n.actor_user = user;
    }
}

/// The path segment after `name` (case-insensitive), e.g. the pull request id of `.../pullRequests/318/...`.
fn segment_after(url: &str, name: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let mut segments = parsed.path_segments()?;
    segments.find(|seg| seg.eq_ignore_ascii_case(name))?;
    segments.next().filter(|x| !x.is_empty()).map(str::to_owned)
}

/// The organization of an Azure DevOps URL, lower-cased: `https://dev.azure.com/Contoso/...` and
/// `https://contoso.visualstudio.com/...` both give `contoso`; on other hosts (Server, test doubles)
/// the first path segment (the collection).
pub fn organization_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    if let Some(org) = host.strip_suffix(".visualstudio.com") {
        return Some(org.to_owned()).filter(|o| !o.is_empty() && o != "app" && o != "vssps");
    }
    let first = parsed.path_segments()?.find(|p| !p.is_empty())?;
    if first.starts_with('_') {
        return None;
    }
    if host == "vssps.dev.azure.com" || host == "dev.azure.com" || !first.eq_ignore_ascii_case("tfs") {
        return Some(first.to_ascii_lowercase());
    }
    parsed.path_segments()?.filter(|p| !p.is_empty()).nth(1).map(str::to_ascii_lowercase)
}

/// `refs/heads/main` → `main`; other refs stay whole.
pub fn short_branch(ref_name: &str) -> &str {
    ref_name.strip_prefix("refs/heads/").unwrap_or(ref_name)
}

#[cfg(test)]
mod tests {
    //! Unit tests of envelope parsing.

    use super::*;

    #[test]
    fn organizations_come_from_either_host_in_any_case() {
        assert_eq!(organization_of("https://dev.azure.com/Contoso/").as_deref(), Some("contoso"));
        assert_eq!(organization_of("https://CONTOSO.visualstudio.com/DefaultCollection/").as_deref(), Some("contoso"));
        assert_eq!(organization_of("https://ado.example.com/tfs/Fabrikam/_apis").as_deref(), Some("fabrikam"));
        assert_eq!(organization_of("http://127.0.0.1:9/contoso/_apis/git").as_deref(), Some("contoso"));
    }

    #[test]
    fn a_push_is_normalized() {
        let body = br#"{"id":"e1","eventType":"git.push","notificationId":3,"resourceVersion":"1.0",
      "resource":{"refUpdates":[{"name":"refs/heads/main"}],"commits":[{"commitId":"abc","comment":"fix","author":{"name":"Dana"}}],
      "repository":{"id":"R","name":"api","project":{"id":"P","name":"Platform"}},"pushedBy":{"displayName":"Dana Kim"}},
      "resourceContainers":{"account":{"baseUrl":"https://contoso.visualstudio.com/"}}}"#;
        let n = parse(body);
        assert_eq!(n.kind(), EventKind::CodePushed);
        assert_eq!(n.event_id, "e1");
        assert_eq!(n.notification_id, Some(3));
        assert_eq!(n.ref_name.as_deref(), Some("refs/heads/main"));
        assert_eq!(n.commits.len(), 1);
        assert_eq!(n.project.as_deref(), Some("Platform"));
        assert_eq!(n.organization.as_deref(), Some("contoso"));
        assert_eq!(n.actor.as_deref(), Some("Dana Kim"));
    }

    #[test]
    fn a_v1_comment_finds_its_pull_request_in_the_links() {
        let body = br#"{"id":"e2","eventType":"ms.vss-code.git-pullrequest-comment-event","resourceVersion":"1.0",
      "resource":{"content":"@vcslink review","author":{"displayName":"Lee"},
      "_links":{"self":{"href":"https://dev.azure.com/contoso/P/_apis/git/repositories/R/pullRequests/318/threads/1/comments/3"}}}}"#;
        let n = parse(body);
        assert_eq!(n.kind(), EventKind::PullRequestCommented);
        assert_eq!(n.pull_request_number, Some(318));
        assert_eq!(n.repository_id.as_deref(), Some("R"));
        assert_eq!(n.comment_text.as_deref(), Some("@vcslink review"));
        assert_eq!(n.organization.as_deref(), Some("contoso"));
    }

    #[test]
    fn what_cannot_be_used_is_quarantined_as_other_and_deduplicated_on_its_hash() {
        let unknown = parse(br#"{"id":"u1","eventType":"build.complete","resource":{}}"#);
        assert_eq!(unknown.kind(), EventKind::Other);
        assert_eq!(unknown.event_id, "u1", "a good envelope keeps its id");
        assert!(unknown.quarantine.as_deref().is_some_and(|r| r.contains("unknown event type")));

        let no_id = parse(br#"{"eventType":"git.push","resource":{}}"#);
        assert_eq!(no_id.kind(), EventKind::Other, "quarantined is OTHER whatever eventType says");
        assert_eq!(no_id.event_type, "git.push");
        assert!(no_id.event_id.starts_with("sha256:"));
        assert!(no_id.quarantine.as_deref().is_some_and(|r| r.contains("no id")));

        let no_resource = parse(br#"{"id":"x","eventType":"git.push"}"#);
        assert!(no_resource.quarantine.as_deref().is_some_and(|r| r.contains("resource")));

        for body in [&b"[1]"[..], b"{nope", b"\xff\xfe"] {
            let n = parse(body);
            assert_eq!(n.kind(), EventKind::Other);
            assert_eq!(n.event_id, format!("sha256:{}", hex::encode(Sha256::digest(body))));
            assert!(n.quarantine.is_some());
        }
        let long = format!(r#"{{"id":"{}","eventType":"git.push","resource":{{}}}}"#, "x".repeat(300));
        assert!(parse(long.as_bytes()).event_id.starts_with("sha256:"), "an id too long for its column is hashed");
    }

    #[test]
    fn an_update_is_acted_by_whom_the_message_names_and_a_comment_edit_is_seen() {
        let body = br#"{"id":"e3","eventType":"git.pullrequest.updated","message":{"text":"Lee Park approved pull request 318"},
      "resource":{"pullRequestId":318,"status":"active","createdBy":{"displayName":"Dana Kim","uniqueName":"dana@contoso.com"},
      "reviewers":[{"displayName":"Lee Park","uniqueName":"lee@contoso.com"}]}}"#;
        let n = parse(body);
        assert_eq!(n.actor.as_deref(), Some("Lee Park"));
        assert_eq!(n.actor_user.as_deref(), Some("lee@contoso.com"));

        let body = br#"{"id":"e4","eventType":"ms.vss-code.git-pullrequest-comment-event","message":{"text":"Jamal Hartnett has edited a pull request comment"},
      "resource":{"comment":{"content":"@<1601DE0C-6F44-4F34-9E4A-2B1B6B4F0C1D> retry","author":{"displayName":"Jamal Hartnett","uniqueName":"j@fabrikam.com"},
      "publishedDate":"2024-06-17T11:22:33.456789Z","lastContentUpdatedDate":"2024-06-17T16:58:33.123889Z"}}}"#;
        let n = parse(body);
        assert!(n.comment_edited);
        assert_eq!(n.mentions, vec!["1601de0c-6f44-4f34-9e4a-2b1b6b4f0c1d".to_owned()]);
        assert_eq!(n.actor_user.as_deref(), Some("j@fabrikam.com"));
    }
}
