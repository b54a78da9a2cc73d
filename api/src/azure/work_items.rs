//! Work item comments, `api-version=7.1-preview.4` (AZURE-DEVOPS-WIRE.md §3.9): list and add.

use serde::{Deserialize, Serialize};
use url::Url;

use super::client::{AzureClient, Call, Credential};
use super::error::AzureError;
use super::wire_git::IdentityRef;

pub const API_VERSION: &str = "7.1-preview.4";

/// Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/wit/comments/get-comments?view=azure-devops-rest-7.1>
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WorkItemComment {
    pub id: i64,
    pub work_item_id: Option<i64>,
    pub text: Option<String>,
    pub created_by: Option<IdentityRef>,
    pub created_date: Option<String>,
    pub is_deleted: Option<bool>,
}

/// One page of comments; the last page has no continuation token.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CommentList {
    pub total_count: Option<i64>,
    #[serde(default)]
    pub comments: Vec<WorkItemComment>,
    pub continuation_token: Option<String>,
}

fn comments_url(org: &Url, project: &str, id: i64, query: &[(&str, &str)]) -> Result<Url, AzureError> {
    let mut url = org.clone();
    let id = id.to_string();
    {
        let mut path = url
            .path_segments_mut()
            .map_err(|_| AzureError::InvalidUrl { reason: "organization URL has no path".into() })?;
        path.pop_if_empty();
        path.extend([project, "_apis", "wit", "workItems", &id, "comments"]);
    }
    {
        let mut q = url.query_pairs_mut();
        q.extend_pairs(query);
        q.append_pair("api-version", API_VERSION);
    }
    Ok(url)
}

#[derive(Serialize)]
struct NewComment<'a> {
    text: &'a str,
}

/// Adds a comment (markdown) to work item `id`.
pub async fn add_comment(
    client: &AzureClient,
    org: &Url,
    project: &str,
    id: i64,
    text: &str,
    credential: &Credential,
) -> Result<WorkItemComment, AzureError> {
    let url = comments_url(org, project, id, &[("format", "markdown")])?;
    client.send(Call::post_json(url, credential, &NewComment { text })?).await?.json()
}

/// One page of comments, oldest first.
pub async fn list_comments(
    client: &AzureClient,
    org: &Url,
    project: &str,
    id: i64,
    top: usize,
    continuation_token: Option<&str>,
    credential: &Credential,
) -> Result<CommentList, AzureError> {
    let top = top.to_string();
    let mut query = vec![("$top", top.as_str()), ("order", "asc")];
    if let Some(token) = continuation_token {
        query.push(("continuationToken", token));
    }
    let url = comments_url(org, project, id, &query)?;
    client.send(Call::get(url, credential)).await?.json()
}
