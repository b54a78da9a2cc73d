//! The Service Hook envelope and its normalized fields, for every event type vcslink routes.
//!
//! Pure parsing: tolerant of missing fields (resource versions 1.0 and 2.0, Services and Server,
//! `dev.azure.com` and `*.visualstudio.com` URLs). Only a body that is not a JSON object is refused.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The normalized event kinds (`WebhookEventType` in GraphQL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    CodePushed,
    PullRequestCreated,
    PullRequestUpdated,
    PullRequestMergeAttempted,
    PullRequestCommented,
    WorkItemCommented,
    Other,
}

impl EventKind {
    /// The kind of an Azure DevOps `eventType` (case-insensitive); unknown types are `Other`.
    pub fn from_event_type(event_type: &str) -> EventKind {
        match event_type.to_ascii_lowercase().as_str() {
            "git.push" => EventKind::CodePushed,
            "git.pullrequest.created" => EventKind::PullRequestCreated,
            "git.pullrequest.updated" => EventKind::PullRequestUpdated,
            "git.pullrequest.merged" => EventKind::PullRequestMergeAttempted,
            "ms.vss-code.git-pullrequest-comment-event" => EventKind::PullRequestCommented,
            "workitem.commented" => EventKind::WorkItemCommented,
            _ => EventKind::Other,
        }
    }

    /// The Azure DevOps `eventType` a subscription for this kind uses (`None` for `Other`).
    pub fn event_type(self) -> Option<&'static str> {
        Some(match self {
            EventKind::CodePushed => "git.push",
            EventKind::PullRequestCreated => "git.pullrequest.created",
            EventKind::PullRequestUpdated => "git.pullrequest.updated",
            EventKind::PullRequestMergeAttempted => "git.pullrequest.merged",
            EventKind::PullRequestCommented => "ms.vss-code.git-pullrequest-comment-event",
            EventKind::WorkItemCommented => "workitem.commented",
            EventKind::Other => return None,
        })
    }

    /// The resource version vcslink subscribes with: 2.0 for PR comments (it carries the pull request).
    pub fn resource_version(self) -> &'static str {
        match self {
            EventKind::PullRequestCommented => "2.0",
            _ => "1.0",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::CodePushed => "CODE_PUSHED",
            EventKind::PullRequestCreated => "PULL_REQUEST_CREATED",
            EventKind::PullRequestUpdated => "PULL_REQUEST_UPDATED",
            EventKind::PullRequestMergeAttempted => "PULL_REQUEST_MERGE_ATTEMPTED",
            EventKind::PullRequestCommented => "PULL_REQUEST_COMMENTED",
            EventKind::WorkItemCommented => "WORK_ITEM_COMMENTED",
            EventKind::Other => "OTHER",
        }
    }

    pub fn parse(s: &str) -> EventKind {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s).unwrap_or(EventKind::Other)
    }

    /// Every kind a service hook can be installed for.
    pub const SUBSCRIBABLE: [EventKind; 6] = [
        EventKind::CodePushed,
        EventKind::PullRequestCreated,
        EventKind::PullRequestUpdated,
        EventKind::PullRequestMergeAttempted,
        EventKind::PullRequestCommented,
        EventKind::WorkItemCommented,
    ];

    const ALL: [EventKind; 7] = [
        EventKind::CodePushed,
        EventKind::PullRequestCreated,
        EventKind::PullRequestUpdated,
        EventKind::PullRequestMergeAttempted,
        EventKind::PullRequestCommented,
        EventKind::WorkItemCommented,
        EventKind::Other,
    ];

    /// Push and pull-request events change what the browse cache holds about a repository.
    pub fn invalidates_repository(self) -> bool {
        !matches!(self, EventKind::WorkItemCommented | EventKind::Other)
    }
}

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
    pub actor: Option<String>,
    pub comment_text: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

impl Normalized {
    pub fn kind(&self) -> EventKind {
        EventKind::from_event_type(&self.event_type)
    }
}

/// The body is not a JSON object.
#[derive(Debug, thiserror::Error)]
#[error("the body is not a JSON object")]
pub struct MalformedEnvelope;

fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

fn int(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str().and_then(|t| t.trim().parse().ok()))
}

/// An identity reference (`IDREF`) or, in older samples, a display string.
fn identity(v: &Value) -> Option<String> {
    s(&v["displayName"]).or_else(|| s(&v["uniqueName"])).or_else(|| s(v))
}

/// Parses a delivery body.
pub fn parse(body: &[u8]) -> Result<Normalized, MalformedEnvelope> {
    let v: Value = serde_json::from_slice(body).map_err(|_| MalformedEnvelope)?;
    if !v.is_object() {
        return Err(MalformedEnvelope);
    }
    let event_type = s(&v["eventType"]).unwrap_or_default();
    let mut n = Normalized {
        event_id: s(&v["id"]).unwrap_or_else(|| format!("sha256:{}", hex::encode(Sha256::digest(body)))),
        notification_id: int(&v["notificationId"]),
        subscription_id: s(&v["subscriptionId"]),
        publisher_id: s(&v["publisherId"]),
        resource_version: s(&v["resourceVersion"]),
        created_at: s(&v["createdDate"]).and_then(|d| DateTime::parse_from_rfc3339(&d).ok()).map(|d| d.to_utc()),
        project_id: s(&v["resourceContainers"]["project"]["id"]),
        event_type,
        ..Normalized::default()
    };
    let resource = &v["resource"];
    match n.kind() {
        EventKind::CodePushed => push(&mut n, resource),
        EventKind::PullRequestCreated | EventKind::PullRequestUpdated | EventKind::PullRequestMergeAttempted => {
            pull_request(&mut n, resource);
            n.actor = identity(&resource["createdBy"]);
        }
        EventKind::PullRequestCommented => pr_comment(&mut n, resource),
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
    Ok(n)
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
    n.actor = identity(&r["pushedBy"]);
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
fn pr_comment(n: &mut Normalized, r: &Value) {
    let comment = if r["comment"].is_object() { &r["comment"] } else { r };
    if r["pullRequest"].is_object() {
        pull_request(n, &r["pullRequest"]);
    }
    n.comment_text = s(&comment["content"]);
    n.actor = identity(&comment["author"]);
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
    n.actor = identity(&fields["System.ChangedBy"]);
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
#[path = "events_tests.rs"]
mod tests;
