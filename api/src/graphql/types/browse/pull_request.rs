//! `PullRequest` and `PullRequestStatus`.

use std::sync::Arc;

use async_graphql::{Context, Enum, Object};

use super::comment::{Comment, flatten};
use crate::azure::wire::git::{GitPullRequest, GitRepository, short_branch};
use crate::browse::pages::from_whole_list;
use crate::browse::pull_requests;
use crate::browse::scope::Scope;
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::pagination::{UpstreamConnection, upstream_connection, window};

/// Which pull requests to list; `pullRequests(status)` defaults to ACTIVE.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum PullRequestStatus {
    /// Open.
    Active,
    /// Merged.
    Completed,
    /// Closed without merging.
    Abandoned,
    /// Every status.
    All,
}

impl PullRequestStatus {
    pub fn as_query(self) -> &'static str {
        match self {
            PullRequestStatus::Active => "active",
            PullRequestStatus::Completed => "completed",
            PullRequestStatus::Abandoned => "abandoned",
            PullRequestStatus::All => "all",
        }
    }

    fn parse(s: &str) -> PullRequestStatus {
        match s {
            "completed" => PullRequestStatus::Completed,
            "abandoned" => PullRequestStatus::Abandoned,
            _ => PullRequestStatus::Active,
        }
    }
}

/// A pull request of a repository.
pub struct PullRequest {
    pub scope: Arc<Scope>,
    pub repo: Arc<GitRepository>,
    pub pr: GitPullRequest,
}

/// A pull request of a repository.
#[Object]
impl PullRequest {
    /// The pull request id, as shown in Azure DevOps (`!318`).
    async fn number(&self) -> i64 {
        self.pr.pull_request_id
    }

    /// The title.
    async fn title(&self) -> &str {
        &self.pr.title
    }

    /// The description (markdown); null when empty.
    async fn description(&self) -> Option<&str> {
        self.pr.description.as_deref().filter(|d| !d.is_empty())
    }

    /// ACTIVE, COMPLETED or ABANDONED (never ALL).
    async fn status(&self) -> PullRequestStatus {
        PullRequestStatus::parse(&self.pr.status)
    }

    /// True for a draft pull request.
    async fn is_draft(&self) -> bool {
        self.pr.is_draft.unwrap_or(false)
    }

    /// Short branch name, e.g. `feature/x`.
    async fn source_branch(&self) -> &str {
        short_branch(&self.pr.source_ref_name)
    }

    /// Short branch name, e.g. `main`.
    async fn target_branch(&self) -> &str {
        short_branch(&self.pr.target_ref_name)
    }

    /// The creator's sign-in name (or display name).
    async fn created_by(&self) -> String {
        self.pr.created_by.as_ref().map(|i| i.name()).unwrap_or_default()
    }

    /// The pull request's page in Azure DevOps.
    async fn url(&self) -> String {
        match &self.repo.web_url {
            Some(web) => format!("{}/pullrequest/{}", web.trim_end_matches('/'), self.pr.pull_request_id),
            None => self.pr.url.clone().unwrap_or_default(),
        }
    }

    /// Thread comments flattened in order; `isSystem` marks comments Azure DevOps generated. Null,
    /// with the error, when Azure DevOps cannot be asked.
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (`pageInfo.endCursor` of the previous page); null: from the start.")]
        after: Option<String>,
    ) -> Result<Option<UpstreamConnection<Comment>>, ApiError> {
        let browse = context::browse(ctx)?;
        let w = window(first, after.as_deref())?;
        let threads = pull_requests::threads(browse, &self.scope, &self.repo, self.pr.pull_request_id).await?;
        Ok(Some(upstream_connection(from_whole_list(&w, flatten(&threads)), after.is_some(), |c| c)))
    }
}
