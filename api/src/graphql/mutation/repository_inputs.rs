//! Inputs and payloads of the repository actions (branches, pull requests, comments, clone
//! credentials). Every input takes `clientMutationId`; every payload echoes it.

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::{Enum, ID, InputObject, SimpleObject};

use crate::graphql::types::browse::comment::Comment;
use crate::graphql::types::browse::pull_request::PullRequest;
use crate::graphql::types::browse::repository::Branch;

/// A new branch, created as the caller.
#[derive(InputObject)]
pub struct CreateBranchInput {
    /// The integration (global ID).
    pub integration_id: ID,
    /// `organization/project/repository`.
    pub repository: String,
    /// The short branch name, e.g. `feature/x` (no `refs/heads/`).
    pub name: String,
    /// A branch name or a 40-hex-digit commit id to start from.
    pub from: String,
    /// `INTEGRATION` (ADMIN only): write as the integration itself, with its app identity or PAT,
    /// instead of as you. Omitted: `USER`.
    pub act_as: Option<ActAs>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// The created branch.
#[derive(SimpleObject)]
pub struct CreateBranchPayload {
    /// The new branch.
    pub branch: Branch,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// A new pull request, opened as the caller.
#[derive(InputObject)]
pub struct CreatePullRequestInput {
    /// The integration (global ID).
    pub integration_id: ID,
    /// `organization/project/repository`.
    pub repository: String,
    /// The pull request's title.
    pub title: String,
    /// The pull request's description (markdown).
    pub description: Option<String>,
    /// Short branch name of the changes.
    pub source_branch: String,
    /// Short branch name to merge into.
    pub target_branch: String,
    /// Open as a draft (default false).
    pub is_draft: Option<bool>,
    /// `INTEGRATION` (ADMIN only): write as the integration itself, with its app identity or PAT,
    /// instead of as you. Omitted: `USER`.
    pub act_as: Option<ActAs>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// The created pull request.
#[derive(SimpleObject)]
pub struct CreatePullRequestPayload {
    /// The new pull request.
    pub pull_request: PullRequest,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// A comment on a pull request, as the caller: a new thread, or a reply when `threadId` is given.
#[derive(InputObject)]
pub struct AddPullRequestCommentInput {
    /// The integration (global ID).
    pub integration_id: ID,
    /// `organization/project/repository`.
    pub repository: String,
    /// The pull request number (`!318` → 318).
    pub pull_request_number: i64,
    /// Markdown text.
    pub content: String,
    /// Reply in this thread; omitted: open a new thread.
    pub thread_id: Option<i64>,
    /// `INTEGRATION` (ADMIN only): write as the integration itself, with its app identity or PAT,
    /// instead of as you. Omitted: `USER`.
    pub act_as: Option<ActAs>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// The created comment.
#[derive(SimpleObject)]
pub struct AddPullRequestCommentPayload {
    /// The new comment.
    pub comment: Comment,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// A comment on a work item, as the caller.
#[derive(InputObject)]
pub struct AddWorkItemCommentInput {
    /// The integration (global ID).
    pub integration_id: ID,
    /// The project name.
    pub project: String,
    /// The work item id.
    pub work_item_id: i64,
    /// Markdown text.
    pub text: String,
    /// `INTEGRATION` (ADMIN only): write as the integration itself, with its app identity or PAT,
    /// instead of as you. Omitted: `USER`.
    pub act_as: Option<ActAs>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// How a work item comment's text was sent to Azure DevOps.
#[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentFormat {
    /// Sent with `format=markdown`: Azure DevOps renders it as markdown.
    Markdown,
    /// Sent as HTML: the server has no markdown comments, so the text was escaped and its line breaks kept.
    Html,
}

/// The created comment (`threadId` null).
#[derive(SimpleObject)]
pub struct AddWorkItemCommentPayload {
    /// The new comment.
    pub comment: Comment,
    /// How the text was sent: `MARKDOWN`, or `HTML` (escaped, line breaks kept) on an Azure
    /// DevOps Server older than 2022.1, which renders every comment as HTML.
    pub format: CommentFormat,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// Credentials for `git clone` over HTTPS as the caller.
#[derive(InputObject)]
pub struct CloneCredentialsInput {
    /// The integration (global ID).
    pub integration_id: ID,
    /// `organization/project/repository`.
    pub repository: String,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// HTTPS clone credentials: the caller's own token. Never logged; do not store it.
#[derive(SimpleObject)]
pub struct CloneCredentialsPayload {
    /// The repository's HTTPS clone URL.
    pub clone_url: String,
    /// The user name to send (Azure DevOps ignores it; it names the caller's account).
    pub username: String,
    /// The caller's access token or personal access token.
    pub password: String,
    /// When the password stops working; null for a personal access token (Azure DevOps does not tell).
    pub expires_at: Option<Timestamp>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// Whose Azure DevOps identity a write uses.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum ActAs {
    /// Your own authorization (OAuth or personal access token).
    #[default]
    User,
    /// The integration itself, as a bot: its app identity, else its PAT (ADMIN only).
    Integration,
}

impl From<Option<ActAs>> for crate::acting::ActAs {
    fn from(a: Option<ActAs>) -> Self {
        match a.unwrap_or_default() {
            ActAs::User => crate::acting::ActAs::User,
            ActAs::Integration => crate::acting::ActAs::Integration,
        }
    }
}
