//! Acting on repositories as the caller: `createBranch`, `createPullRequest`,
//! `addPullRequestComment`, `cloneCredentials`. The work lives in `acting/`.

use std::sync::Arc;

use async_graphql::{Context, Object};
use secrecy::ExposeSecret;

use super::authorization::integration_of;
use super::repository_inputs::*;
use crate::acting::pull_requests::{self, NewComment};
use crate::acting::{branches, clone};
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::browse::comment::Comment;
use crate::graphql::types::browse::pull_request::PullRequest;
use crate::graphql::types::browse::repository::Branch;

#[derive(Default)]
pub struct RepositoryActionMutation;

#[Object]
impl RepositoryActionMutation {
    /// Creates a branch as the caller, from a branch or a commit. An existing branch is `CONFLICT`.
    async fn create_branch(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The repository, the branch name and where it starts.")] input: CreateBranchInput,
    ) -> Result<CreateBranchPayload, ApiError> {
        let p = context::principal(ctx)?;
        let browse = context::browse(ctx)?;
        let name = branches::parse_name(&input.name)?;
        let m = integration_of(&browse.db, p, &input.integration_id).await?;
        let actor = context::actor(p);
        let created = branches::create(
            browse,
            p,
            &actor,
            m,
            &input.repository,
            branches::NewBranch { name: &name, from: &input.from },
            input.act_as.into(),
        )
        .await?;
        Ok(CreateBranchPayload { branch: Branch::from(created), client_mutation_id: input.client_mutation_id })
    }

    /// Opens a pull request as the caller. An active one for the same branches is `CONFLICT`
    /// naming its number.
    async fn create_pull_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The repository, the branches and the pull request's text.")] input: CreatePullRequestInput,
    ) -> Result<CreatePullRequestPayload, ApiError> {
        let p = context::principal(ctx)?;
        let browse = context::browse(ctx)?;
        let (source, target) = (&input.source_branch, &input.target_branch);
        let body = pull_requests::parse_new(&input.title, input.description, source, target, input.is_draft)?;
        let m = integration_of(&browse.db, p, &input.integration_id).await?;
        let (t, pr) =
            pull_requests::create(browse, p, &context::actor(p), m, &input.repository, &body, input.act_as.into())
                .await?;
        let pull_request = PullRequest { scope: t.scope, repo: Arc::new(t.repo), pr };
        Ok(CreatePullRequestPayload { pull_request, client_mutation_id: input.client_mutation_id })
    }

    /// Comments on a pull request as the caller: a new thread, or a reply in `threadId`.
    async fn add_pull_request_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pull request and the comment.")] input: AddPullRequestCommentInput,
    ) -> Result<AddPullRequestCommentPayload, ApiError> {
        let p = context::principal(ctx)?;
        let browse = context::browse(ctx)?;
        let new = NewComment::parse(input.pull_request_number, input.thread_id, &input.content)?;
        let m = integration_of(&browse.db, p, &input.integration_id).await?;
        let (thread, c) =
            pull_requests::comment(browse, p, &context::actor(p), m, &input.repository, new, input.act_as.into())
                .await?;
        let comment = Comment::from_thread(&thread, &c);
        Ok(AddPullRequestCommentPayload { comment, client_mutation_id: input.client_mutation_id })
    }

    /// HTTPS clone credentials carrying the caller's own token (never the integration's PAT).
    async fn clone_credentials(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The repository to clone.")] input: CloneCredentialsInput,
    ) -> Result<CloneCredentialsPayload, ApiError> {
        let p = context::principal(ctx)?;
        let browse = context::browse(ctx)?;
        let m = integration_of(&browse.db, p, &input.integration_id).await?;
        let creds = clone::credentials(browse, p, &context::actor(p), m, &input.repository).await?;
        Ok(CloneCredentialsPayload {
            clone_url: creds.clone_url,
            username: creds.username,
            password: creds.password.expose_secret().to_owned(),
            expires_at: creds.expires_at.map(Into::into),
            client_mutation_id: input.client_mutation_id,
        })
    }
}
