//! `Repository` and `Branch`.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, SimpleObject};

use super::pull_request::{PullRequest, PullRequestStatus};
use crate::azure::wire::git::{GitRef, GitRepository, short_branch};
use crate::browse::scope::Scope;
use crate::browse::{pull_requests, repositories};
use crate::domain::global_id::{Kind, encode};
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::pagination::{UpstreamConnection, upstream_connection, window};

/// A Git repository in Azure DevOps, read with the caller's credential choice.
pub struct Repository {
    pub scope: Arc<Scope>,
    pub repo: Arc<GitRepository>,
}

impl Repository {
    pub fn new(scope: Arc<Scope>, repo: GitRepository) -> Repository {
        Repository { scope, repo: Arc::new(repo) }
    }
}

/// A branch: `name` is short (`main`), `refName` full (`refs/heads/main`).
#[derive(SimpleObject, Clone)]
pub struct Branch {
    /// The short name, e.g. `main`.
    pub name: String,
    /// The full ref name, e.g. `refs/heads/main`.
    pub ref_name: String,
    /// The commit the branch points at.
    pub object_id: String,
}

impl From<GitRef> for Branch {
    fn from(r: GitRef) -> Self {
        Branch { name: short_branch(&r.name).to_owned(), ref_name: r.name, object_id: r.object_id }
    }
}

/// A Git repository in Azure DevOps, read with the caller's credential choice.
#[Object]
impl Repository {
    /// Global ID (integration + Azure DevOps repository id).
    pub async fn id(&self) -> ID {
        encode(Kind::Repository, &format!("{}:{}", self.scope.integration.id, self.repo.id)).into()
    }

    /// The repository name.
    async fn name(&self) -> &str {
        &self.repo.name
    }

    /// `organization/project/repository`, as `repository(fullName)` takes it.
    async fn full_name(&self) -> String {
        format!("{}/{}/{}", self.scope.integration.organization, self.repo.project.name, self.repo.name)
    }

    /// The name of the project holding it.
    async fn project(&self) -> &str {
        &self.repo.project.name
    }

    /// Short name of the default branch; null for an empty repository.
    async fn default_branch(&self) -> Option<&str> {
        self.repo.default_branch.as_deref().map(short_branch)
    }

    /// The repository's page in Azure DevOps.
    async fn web_url(&self) -> String {
        self.repo.web_url.clone().unwrap_or_else(|| {
            format!("{}/{}/_git/{}", self.scope.integration.organization_url, self.repo.project.name, self.repo.name)
        })
    }

    /// The https clone URL.
    async fn remote_url(&self) -> String {
        self.repo.remote_url.clone().unwrap_or_default()
    }

    /// The SSH clone URL; null when Azure DevOps gives none.
    async fn ssh_url(&self) -> Option<&str> {
        self.repo.ssh_url.as_deref()
    }

    /// Disabled repositories cannot be read or pushed to.
    async fn is_disabled(&self) -> bool {
        self.repo.is_disabled.unwrap_or(false)
    }

    /// Branches, in Azure DevOps' order (by name); null, with the error, when Azure DevOps cannot be asked.
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn branches(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (`pageInfo.endCursor` of the previous page); null: from the start.")]
        after: Option<String>,
    ) -> Result<Option<UpstreamConnection<Branch>>, ApiError> {
        let browse = context::browse(ctx)?;
        let w = window(first, after.as_deref())?;
        let page = repositories::branches(browse, &self.scope, &self.repo, &w).await?;
        Ok(Some(upstream_connection(page, after.is_some(), Branch::from)))
    }

    /// Pull requests, newest first; `status` defaults to ACTIVE. Null, with the error, when Azure
    /// DevOps cannot be asked.
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn pull_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which pull requests; null: ACTIVE.")] status: Option<PullRequestStatus>,
        #[graphql(desc = "How many items to return: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (`pageInfo.endCursor` of the previous page); null: from the start.")]
        after: Option<String>,
    ) -> Result<Option<UpstreamConnection<PullRequest>>, ApiError> {
        let browse = context::browse(ctx)?;
        let w = window(first, after.as_deref())?;
        let status = status.unwrap_or(PullRequestStatus::Active).as_query();
        let page = pull_requests::page(browse, &self.scope, &self.repo, status, &w).await?;
        let node = |pr| PullRequest { scope: self.scope.clone(), repo: self.repo.clone(), pr };
        Ok(Some(upstream_connection(page, after.is_some(), node)))
    }

    /// One pull request by number; null when there is none in this repository.
    async fn pull_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pull request number (`!318` → 318).")] number: i32,
    ) -> Result<Option<PullRequest>, ApiError> {
        let browse = context::browse(ctx)?;
        let pr = pull_requests::get(browse, &self.scope, &self.repo, i64::from(number)).await?;
        Ok(pr.map(|pr| PullRequest { scope: self.scope.clone(), repo: self.repo.clone(), pr }))
    }
}
