//! `createPullRequest` and `addPullRequestComment`: pull requests and their comments, as the caller.

use entity::integration;

use super::{ActAs, Target, audit, forget, target};
use crate::auth::Principal;
use crate::azure::AzureError;
use crate::azure::git_write::{self, NewPullRequest};
use crate::azure::wire::git::{CommentThread, GitPullRequest, ThreadComment};
use crate::browse::Browse;
use crate::error::ApiError;
use crate::error::{Call, from_azure};
use crate::store::audit::Actor;

/// The pull request to open; `VALIDATION` on `title` unless it is 1 to 400 characters.
pub fn parse_new(
    title: &str,
    description: Option<String>,
    source_branch: &str,
    target_branch: &str,
    is_draft: Option<bool>,
) -> Result<NewPullRequest, ApiError> {
    let title = title.trim().to_owned();
    if title.is_empty() || title.chars().count() > 400 {
        return Err(ApiError::validation("title", "title must be 1 to 400 characters", None));
    }
    let full = |b: &str| format!("refs/heads/{}", b.trim().trim_start_matches("refs/heads/"));
    Ok(NewPullRequest {
        source_ref_name: full(source_branch),
        target_ref_name: full(target_branch),
        title,
        description: description.filter(|d| !d.trim().is_empty()),
        is_draft: is_draft.unwrap_or(false),
    })
}

/// Opens `body` in `repository`. An active one for the same branches is `CONFLICT` naming its number.
pub async fn create(
    state: &Browse,
    p: &Principal,
    actor: &Actor,
    m: integration::Model,
    repository: &str,
    body: &NewPullRequest,
    act_as: ActAs,
) -> Result<(Target, GitPullRequest), ApiError> {
    let t = target(state, p, m, repository, act_as).await?;
    let org = &t.scope.org_url;
    let create =
        |v| git_write::create_pull_request(&state.azure, (org, v), &t.project, &t.repo.name, body, t.credential());
    let pr = match state.upstream.negotiated(&t.scope.integration, create).await {
        Ok(pr) => pr,
        Err(AzureError::Upstream { status: 409, .. }) => return Err(already_open(state, &t, body).await),
        Err(e) => return Err(from_azure(&e, Call::Write { what: "repository" })),
    };
    forget(state, &t);
    audit(state, actor, "repository.create_pull_request", &t, serde_json::json!({ "number": pr.pull_request_id }))
        .await?;
    Ok((t, pr))
}

/// The `CONFLICT` of a pull request that is already open, naming it when Azure DevOps tells.
async fn already_open(state: &Browse, t: &Target, body: &NewPullRequest) -> ApiError {
    let version = state.upstream.api_version(&t.scope.integration);
    let existing = git_write::active_pull_request(
        &state.azure,
        (&t.scope.org_url, version),
        &t.project,
        &t.repo.name,
        &body.source_ref_name,
        &body.target_ref_name,
        t.credential(),
    )
    .await
    .ok()
    .flatten();
    let message = match existing {
        Some(n) => format!("an active pull request for these branches already exists: #{n}"),
        None => "an active pull request for these branches already exists".to_owned(),
    };
    ApiError::Conflict { message, hint: Some("update or complete the existing pull request".into()) }
}

/// A comment to add: a new thread, or a reply in `thread_id`.
pub struct NewComment<'a> {
    pub pull_request_number: i64,
    pub thread_id: Option<i64>,
    pub content: &'a str,
}

impl<'a> NewComment<'a> {
    /// `VALIDATION` on `content` when it is blank.
    pub fn parse(pull_request_number: i64, thread_id: Option<i64>, content: &'a str) -> Result<Self, ApiError> {
        if content.trim().is_empty() {
            return Err(ApiError::validation("content", "content must not be empty", None));
        }
        Ok(NewComment { pull_request_number, thread_id, content })
    }
}

/// Adds `new` to a pull request of `repository`; returns the thread (only its id for a reply)
/// and the comment.
pub async fn comment(
    state: &Browse,
    p: &Principal,
    actor: &Actor,
    m: integration::Model,
    repository: &str,
    new: NewComment<'_>,
    act_as: ActAs,
) -> Result<(CommentThread, ThreadComment), ApiError> {
    let t = target(state, p, m, repository, act_as).await?;
    let at = (t.project.as_str(), t.repo.name.as_str(), new.pull_request_number);
    let org = &t.scope.org_url;
    let (thread, comment) = match new.thread_id {
        None => {
            let open = |v| git_write::create_thread(&state.azure, (org, v), at, new.content, t.credential());
            let thread = state
                .upstream
                .negotiated(&t.scope.integration, open)
                .await
                .map_err(|e| from_azure(&e, Call::Write { what: "pull request" }))?;
            let first =
                thread.comments.first().cloned().ok_or_else(|| ApiError::internal("thread without a comment"))?;
            (thread, first)
        }
        Some(thread_id) => {
            let reply = |v| git_write::reply(&state.azure, (org, v), at, thread_id, new.content, t.credential());
            let c = state
                .upstream
                .negotiated(&t.scope.integration, reply)
                .await
                .map_err(|e| from_azure(&e, Call::Write { what: "pull request thread" }))?;
            (CommentThread { id: thread_id, ..Default::default() }, c)
        }
    };
    forget(state, &t);
    let details = serde_json::json!({ "number": new.pull_request_number, "threadId": thread.id });
    audit(state, actor, "repository.add_pull_request_comment", &t, details).await?;
    Ok((thread, comment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branches_become_full_ref_names_and_a_blank_description_is_none() {
        let body = parse_new(" Add it ", Some("  ".into()), "feature/x", "refs/heads/main", None).expect("valid");
        assert_eq!(body.title, "Add it");
        assert_eq!(body.source_ref_name, "refs/heads/feature/x");
        assert_eq!(body.target_ref_name, "refs/heads/main");
        assert_eq!(body.description, None);
        assert!(!body.is_draft);
    }

    #[test]
    fn a_title_must_be_1_to_400_characters() {
        assert!(parse_new("  ", None, "a", "b", None).is_err());
        assert!(parse_new(&"é".repeat(400), None, "a", "b", None).is_ok());
        assert!(parse_new(&"é".repeat(401), None, "a", "b", None).is_err());
    }

    #[test]
    fn a_blank_comment_is_rejected() {
        assert!(NewComment::parse(1, None, " \n").is_err());
        assert!(NewComment::parse(1, Some(7), "looks good").is_ok());
    }
}
