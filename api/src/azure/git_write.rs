//! Git writes as the caller: create a ref (branch), a pull request, a thread or a reply
//! (docs/azure-devops-wire.md §3.5–3.7). Callers hand in the credential and the negotiated
//! api-version (released resources: the number itself); nothing here is cached.

use serde::{Deserialize, Serialize};
use url::Url;

use super::client::{AzureClient, Call, Credential};
use super::error::AzureError;
use super::versions::Negotiated;
use super::wire::ListEnvelope;
use super::wire::git::{CommentThread, GitPullRequest, GitRef, ThreadComment};

/// The object id Azure DevOps uses for "no ref yet".
pub const ZERO_ID: &str = "0000000000000000000000000000000000000000";

/// `{org}/{project}/_apis/git/repositories/{repo}/{tail...}?{query}&api-version={version}`.
fn repo_url(
    (org, version): (&Url, Negotiated),
    project: &str,
    repo: &str,
    tail: &[&str],
    query: &[(&str, &str)],
) -> Result<Url, AzureError> {
    let mut url = org.clone();
    {
        let mut path = url
            .path_segments_mut()
            .map_err(|_| AzureError::InvalidUrl { reason: "organization URL has no path".into() })?;
        path.pop_if_empty();
        path.extend([project, "_apis", "git", "repositories", repo]);
        path.extend(tail);
    }
    {
        let mut q = url.query_pairs_mut();
        q.extend_pairs(query);
        q.append_pair("api-version", &version.released().to_string());
    }
    Ok(url)
}

/// One ref update, as sent and as answered.
/// Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/git/refs/update-refs?view=azure-devops-rest-7.1>
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RefUpdate {
    pub name: String,
    pub old_object_id: String,
    pub new_object_id: String,
    #[serde(skip_serializing)]
    pub update_status: Option<String>,
    #[serde(skip_serializing)]
    pub success: Option<bool>,
    #[serde(skip_serializing)]
    pub custom_message: Option<String>,
}

/// The commit a branch points at, or `None` when the branch does not exist.
pub async fn branch_head(
    client: &AzureClient,
    (org, version): (&Url, Negotiated),
    project: &str,
    repo: &str,
    branch: &str,
    credential: &Credential,
) -> Result<Option<String>, AzureError> {
    let filter = format!("heads/{branch}");
    let url = repo_url((org, version), project, repo, &["refs"], &[("filter", &filter)])?;
    let list: ListEnvelope<GitRef> = client.send(Call::get(url, credential)).await?.json()?;
    let full = format!("refs/heads/{branch}");
    Ok(list.value.into_iter().find(|r| r.name == full).map(|r| r.object_id))
}

/// Creates `refs/heads/{name}` at `object_id`; the answer says whether it succeeded
/// (`updateStatus` `staleOldObjectId` when the branch already exists).
pub async fn create_branch(
    client: &AzureClient,
    (org, version): (&Url, Negotiated),
    project: &str,
    repo: &str,
    name: &str,
    object_id: &str,
    credential: &Credential,
) -> Result<RefUpdate, AzureError> {
    let update = RefUpdate {
        name: format!("refs/heads/{name}"),
        old_object_id: ZERO_ID.to_owned(),
        new_object_id: object_id.to_owned(),
        ..RefUpdate::default()
    };
    let url = repo_url((org, version), project, repo, &["refs"], &[])?;
    let answer: ListEnvelope<RefUpdate> = client.send(Call::post_json(url, credential, &[update])?).await?.json()?;
    answer.value.into_iter().next().ok_or(AzureError::InvalidResponse { reason: "no ref update in the answer".into() })
}

/// The body of a new pull request.
/// Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/git/pull-requests/create?view=azure-devops-rest-7.1>
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPullRequest {
    pub source_ref_name: String,
    pub target_ref_name: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub is_draft: bool,
}

pub async fn create_pull_request(
    client: &AzureClient,
    (org, version): (&Url, Negotiated),
    project: &str,
    repo: &str,
    body: &NewPullRequest,
    credential: &Credential,
) -> Result<GitPullRequest, AzureError> {
    let url = repo_url((org, version), project, repo, &["pullrequests"], &[])?;
    client.send(Call::post_json(url, credential, body)?).await?.json()
}

/// The number of the active pull request from `source` to `target` (full ref names), if any.
pub async fn active_pull_request(
    client: &AzureClient,
    (org, version): (&Url, Negotiated),
    project: &str,
    repo: &str,
    source: &str,
    target: &str,
    credential: &Credential,
) -> Result<Option<i64>, AzureError> {
    let query = [
        ("searchCriteria.status", "active"),
        ("searchCriteria.sourceRefName", source),
        ("searchCriteria.targetRefName", target),
    ];
    let url = repo_url((org, version), project, repo, &["pullrequests"], &query)?;
    let list: ListEnvelope<GitPullRequest> = client.send(Call::get(url, credential)).await?.json()?;
    Ok(list.value.first().map(|pr| pr.pull_request_id))
}

/// A new comment as the thread and reply endpoints take it (`commentType` 1 = text).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewComment<'a> {
    parent_comment_id: i64,
    content: &'a str,
    comment_type: i32,
}

#[derive(Serialize)]
struct NewThread<'a> {
    comments: [NewComment<'a>; 1],
    /// 1 = active.
    status: i32,
}

/// Opens a new thread on pull request `number` with one comment.
pub async fn create_thread(
    client: &AzureClient,
    (org, version): (&Url, Negotiated),
    (project, repo, number): (&str, &str, i64),
    content: &str,
    credential: &Credential,
) -> Result<CommentThread, AzureError> {
    let number = number.to_string();
    let url = repo_url((org, version), project, repo, &["pullRequests", &number, "threads"], &[])?;
    let body = NewThread { comments: [NewComment { parent_comment_id: 0, content, comment_type: 1 }], status: 1 };
    client.send(Call::post_json(url, credential, &body)?).await?.json()
}

/// Replies to the first comment of thread `thread_id`.
pub async fn reply(
    client: &AzureClient,
    (org, version): (&Url, Negotiated),
    (project, repo, number): (&str, &str, i64),
    thread_id: i64,
    content: &str,
    credential: &Credential,
) -> Result<ThreadComment, AzureError> {
    let (number, thread) = (number.to_string(), thread_id.to_string());
    let url = repo_url((org, version), project, repo, &["pullRequests", &number, "threads", &thread, "comments"], &[])?;
    let body = NewComment { parent_comment_id: 1, content, comment_type: 1 };
    client.send(Call::post_json(url, credential, &body)?).await?.json()
}
