//! Work item comments at the negotiated api-version (docs/azure-devops-wire.md §1.2, §3.9): list and add.
//!
//! The comments resource is preview-only at every version (`7.1-preview.4`, `7.0-preview.3`,
//! `6.0-preview.3`); `format=markdown` exists only from `7.1-preview.4`, so older servers get the
//! text as HTML. Server 2019 (5.0) has no comments resource to post to: its discussion is the
//! `System.History` field (python `v5_0` work item tracking client; see `versions.rs`).

use serde::{Deserialize, Serialize};
use url::Url;

use super::client::{AzureClient, Call, Credential};
use super::error::AzureError;
use super::versions::{ApiVersion, CommentsApi, Negotiated};
use super::wire::git::IdentityRef;

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

/// How the text of a new comment was sent, so callers can say how it will render.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SentAs {
    /// `format=markdown` (7.1-preview.4 and later).
    Markdown,
    /// Escaped HTML: the server has no `format` and renders comments as HTML.
    Html,
}

/// A comment just added, and how its text was sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Added {
    pub comment: WorkItemComment,
    pub sent_as: SentAs,
}

fn work_item_url(
    org: &Url,
    project: &str,
    id: i64,
    tail: &[&str],
    version: ApiVersion,
    query: &[(&str, &str)],
) -> Result<Url, AzureError> {
    url_of(org, &[project], id, tail, version, query)
}

/// `{org}/{scope...}/_apis/wit/workItems/{id}/{tail...}?{query}&api-version=…`.
fn url_of(
    org: &Url,
    scope: &[&str],
    id: i64,
    tail: &[&str],
    version: ApiVersion,
    query: &[(&str, &str)],
) -> Result<Url, AzureError> {
    let mut url = org.clone();
    let id = id.to_string();
    {
        let mut path = url
            .path_segments_mut()
            .map_err(|_| AzureError::InvalidUrl { reason: "organization URL has no path".into() })?;
        path.pop_if_empty();
        path.extend(scope);
        path.extend(["_apis", "wit", "workItems", &id]);
        path.extend(tail);
    }
    {
        let mut q = url.query_pairs_mut();
        q.extend_pairs(query);
        q.append_pair("api-version", &version.to_string());
    }
    Ok(url)
}

/// The work item's own project (`System.TeamProject`). Work item ids are organization-wide and
/// the project in a work-item URL does not restrict which item answers (Microsoft's "Get work
/// item" sample asks under `Fabrikam-Fiber-Git` and gets an item of `MyAgilePrj2`), so a caller
/// limited to some projects must be checked against this. Reference:
/// <https://learn.microsoft.com/en-us/rest/api/azure/devops/wit/work-items/get-work-item?view=azure-devops-rest-7.1>
pub async fn team_project(
    client: &AzureClient,
    (org, version): (&Url, Negotiated),
    id: i64,
    credential: &Credential,
) -> Result<String, AzureError> {
    let url = url_of(org, &[], id, &[], version.released(), &[("fields", "System.TeamProject")])?;
    let item: ProjectOf = client.send(Call::get(url, credential)).await?.json()?;
    item.fields.team_project.ok_or_else(|| AzureError::InvalidResponse {
        reason: "the work item came without its System.TeamProject field".into(),
    })
}

#[derive(Deserialize)]
struct ProjectOf {
    #[serde(default)]
    fields: ProjectField,
}

#[derive(Default, Deserialize)]
struct ProjectField {
    #[serde(rename = "System.TeamProject")]
    team_project: Option<String>,
}

#[derive(Serialize)]
struct NewComment<'a> {
    text: &'a str,
}

/// Adds a comment to work item `id`: markdown where the version has `format`, else HTML.
pub async fn add_comment(
    client: &AzureClient,
    (org, version): (&Url, Negotiated),
    project: &str,
    id: i64,
    text: &str,
    credential: &Credential,
) -> Result<Added, AzureError> {
    match version.work_item_comments() {
        CommentsApi::Comments { version, markdown: true } => {
            let url = work_item_url(org, project, id, &["comments"], version, &[("format", "markdown")])?;
            let comment = client.send(Call::post_json(url, credential, &NewComment { text })?).await?.json()?;
            Ok(Added { comment, sent_as: SentAs::Markdown })
        }
        CommentsApi::Comments { version, markdown: false } => {
            let html = to_html(text);
            let url = work_item_url(org, project, id, &["comments"], version, &[])?;
            let comment = client.send(Call::post_json(url, credential, &NewComment { text: &html })?).await?.json()?;
            Ok(Added { comment, sent_as: SentAs::Html })
        }
        CommentsApi::History { write, .. } => {
            let html = to_html(text);
            let url = work_item_url(org, project, id, &[], write, &[])?;
            let patch = [HistoryPatch { op: "add", path: "/fields/System.History", value: &html }];
            let mut call = Call::post_json(url, credential, &patch)?;
            call.method = reqwest::Method::PATCH;
            call.content_type = Some("application/json-patch+json");
            let item: PatchedWorkItem = client.send(call).await?.json()?;
            let comment = WorkItemComment {
                id: item.rev,
                work_item_id: Some(item.id),
                text: Some(html),
                created_by: item.fields.changed_by.map(identity_of),
                created_date: item.fields.changed_date,
                is_deleted: Some(false),
            };
            Ok(Added { comment, sent_as: SentAs::Html })
        }
    }
}

/// One page of comments, oldest first.
pub async fn list_comments(
    client: &AzureClient,
    (org, version): (&Url, Negotiated),
    project: &str,
    id: i64,
    (top, continuation_token): (usize, Option<&str>),
    credential: &Credential,
) -> Result<CommentList, AzureError> {
    let top_text = top.to_string();
    let mut query = vec![("$top", top_text.as_str()), ("order", "asc")];
    match version.work_item_comments() {
        CommentsApi::Comments { version, .. } => {
            if let Some(token) = continuation_token {
                query.push(("continuationToken", token));
            }
            let url = work_item_url(org, project, id, &["comments"], version, &query)?;
            client.send(Call::get(url, credential)).await?.json()
        }
        CommentsApi::History { read, .. } => {
            // Revision comments page by revision: the token is the next revision to read.
            let from = continuation_token.unwrap_or("1");
            query.push(("fromRevision", from));
            let url = work_item_url(org, project, id, &["comments"], read, &query)?;
            let list: RevisionComments = client.send(Call::get(url, credential)).await?.json()?;
            let next = match list.comments.last() {
                Some(last) if list.comments.len() >= top => Some((last.revision + 1).to_string()),
                _ => None,
            };
            let comments = list
                .comments
                .into_iter()
                .map(|c| WorkItemComment {
                    id: c.revision,
                    work_item_id: Some(id),
                    text: c.text,
                    created_by: c.revised_by,
                    created_date: c.revised_date,
                    is_deleted: Some(false),
                })
                .collect();
            Ok(CommentList { total_count: list.total_count, comments, continuation_token: next })
        }
    }
}

fn identity_of(value: serde_json::Value) -> IdentityRef {
    match value {
        serde_json::Value::String(text) => {
            let unique = text.rsplit_once('<').map(|(_, u)| u.trim_end_matches('>').trim().to_owned());
            let display = text.split('<').next().map(|d| d.trim().to_owned());
            IdentityRef { unique_name: unique, display_name: display, ..IdentityRef::default() }
        }
        other => serde_json::from_value(other).unwrap_or_default(),
    }
}

/// Plain text as HTML: `&<>"'` escaped, each line break a `<br>`.
pub fn to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.replace("\r\n", "\n").split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        crate::domain::html::push_escaped(&mut out, line);
    }
    out
}

/// One JSON Patch operation on a work item.
#[derive(Serialize)]
struct HistoryPatch<'a> {
    op: &'a str,
    path: &'a str,
    value: &'a str,
}

/// The work item a `System.History` patch answers with (only what a comment needs).
#[derive(Deserialize)]
struct PatchedWorkItem {
    id: i64,
    rev: i64,
    #[serde(default)]
    fields: ChangeFields,
}

#[derive(Default, Deserialize)]
struct ChangeFields {
    /// An identity reference from 5.0 on; older answers send `"Name <sign-in>"` text.
    #[serde(rename = "System.ChangedBy")]
    changed_by: Option<serde_json::Value>,
    #[serde(rename = "System.ChangedDate")]
    changed_date: Option<String>,
}

/// `5.0-preview.2` revision comments: `{totalCount, fromRevisionCount, count, comments: [...]}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RevisionComments {
    total_count: Option<i64>,
    #[serde(default)]
    comments: Vec<RevisionComment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RevisionComment {
    revision: i64,
    text: Option<String>,
    revised_by: Option<IdentityRef>,
    revised_date: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_html_with_escapes_and_line_breaks() {
        assert_eq!(
            to_html("a < b & \"c\"\r\nnext 'line'\n"),
            "a &lt; b &amp; &quot;c&quot;<br>next &#39;line&#39;<br>"
        );
        assert_eq!(to_html("**bold**"), "**bold**");
    }
}
