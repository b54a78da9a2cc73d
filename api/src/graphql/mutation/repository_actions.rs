//! Acting on repositories as the caller: `createBranch`, `createPullRequest`,
//! `addPullRequestComment`, `cloneCredentials`. Writes use the caller's own authorization
//! (ADMIN callers without one fall back to the integration PAT); see `browse::credential`.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use sea_orm::TransactionTrait;
use secrecy::ExposeSecret;

use super::authorization::integration_of;
use super::repository_inputs::*;
use crate::auth::Principal;
use crate::azure::git_write::{self, NewPullRequest};
use crate::azure::wire::git::{GitRef, GitRepository};
use crate::azure::{AzureError, Credential};
use crate::browse::credential::Purpose;
use crate::browse::invalidate::invalidate_repository;
use crate::browse::repositories;
use crate::browse::scope::Scope;
use crate::browse::write_errors::to_write_error;
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::browse::comment::Comment;
use crate::graphql::types::browse::pull_request::PullRequest;
use crate::graphql::types::browse::repository::Branch;
use crate::state::AppState;
use crate::store;
use crate::store::user_authorizations::{self as auths, Owner};

/// The repository a write targets, read with the caller's write credential.
struct Target {
    scope: Arc<Scope>,
    repo: GitRepository,
    project: String,
}

impl Target {
    fn credential(&self) -> &Credential {
        &self.scope.chosen.credential
    }
}

/// `organization/project/repository` of the integration's organization, as the caller.
async fn target(state: &AppState, p: &Principal, integration_id: &ID, repository: &str) -> Result<Target, ApiError> {
    let m = integration_of(state, p, integration_id).await?;
    let parts: Vec<&str> = repository.trim().split('/').collect();
    let [org, project, name] = parts.as_slice() else {
        return Err(ApiError::validation(
            "repository",
            "expected organization/project/repository",
            Some("e.g. contoso/Platform/api-gateway"),
        ));
    };
    if org.is_empty() || project.is_empty() || name.is_empty() {
        return Err(ApiError::validation("repository", "expected organization/project/repository", None));
    }
    if !m.organization.eq_ignore_ascii_case(org) {
        return Err(ApiError::validation(
            "repository",
            format!("the integration is for organization {}, not {org}", m.organization),
            None,
        ));
    }
    let scope = Scope::open(state, p, m, Purpose::Write).await?;
    let repo = repositories::get(state, &scope, project, name).await?.ok_or(ApiError::not_found("repository"))?;
    Ok(Target { scope, project: repo.project.name.clone(), repo })
}

async fn audit(
    state: &AppState,
    p: &Principal,
    action: &str,
    target: &Target,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    let txn = state.db.begin().await?;
    let mut details = details;
    details["repository"] = serde_json::json!(format!("{}/{}", target.project, target.repo.name));
    details["as"] = serde_json::json!(target.scope.chosen.identity);
    store::audit::record(&txn, &context::actor(p), action, Some(&target.scope.integration.id), details).await?;
    txn.commit().await?;
    Ok(())
}

fn forget(state: &AppState, t: &Target) {
    invalidate_repository(state, &t.scope.integration.id, &t.repo.id);
    invalidate_repository(state, &t.scope.integration.id, &t.repo.name);
}

fn is_commit_id(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

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
        let state = context::state(ctx)?;
        let name = input.name.trim().trim_start_matches("refs/heads/").to_owned();
        if name.is_empty() || name.chars().any(|c| c.is_whitespace() || "~^:?*[\\".contains(c)) || name.contains("..") {
            return Err(ApiError::validation("name", "not a valid branch name", Some("e.g. feature/rate-limit")));
        }
        let t = target(state, p, &input.integration_id, &input.repository).await?;
        let from = input.from.trim();
        let object_id = if is_commit_id(from) {
            from.to_ascii_lowercase()
        } else {
            let branch = from.trim_start_matches("refs/heads/");
            let org = &t.scope.org_url;
            let head =
                |v| git_write::branch_head(&state.azure, (org, v), &t.project, &t.repo.name, branch, t.credential());
            state
                .upstream
                .negotiated(&t.scope.integration, head)
                .await
                .map_err(|e| to_write_error(&e, "repository"))?
                .ok_or_else(|| ApiError::validation("from", format!("no branch named {branch}"), None))?
        };
        let create = |v| {
            git_write::create_branch(
                &state.azure,
                (&t.scope.org_url, v),
                &t.project,
                &t.repo.name,
                &name,
                &object_id,
                t.credential(),
            )
        };
        let update = state
            .upstream
            .negotiated(&t.scope.integration, create)
            .await
            .map_err(|e| to_write_error(&e, "repository"))?;
        match update.update_status.as_deref() {
            Some("succeeded") => {}
            Some("staleOldObjectId") | Some("refNameConflict") => {
                return Err(ApiError::Conflict { message: format!("branch {name} already exists"), hint: None });
            }
            Some("unresolvableToCommit") => {
                return Err(ApiError::validation("from", format!("{from} is not a commit of the repository"), None));
            }
            Some("invalidRefName") => {
                return Err(ApiError::validation("name", "Azure DevOps refuses this branch name", None));
            }
            other => {
                return Err(ApiError::Forbidden {
                    message: format!("Azure DevOps refused to create the branch ({})", other.unwrap_or("unknown")),
                });
            }
        }
        forget(state, &t);
        audit(state, p, "repository.create_branch", &t, serde_json::json!({ "branch": name })).await?;
        let branch = Branch::from(GitRef { name: update.name, object_id: update.new_object_id });
        Ok(CreateBranchPayload { branch, client_mutation_id: input.client_mutation_id })
    }

    /// Opens a pull request as the caller. An active one for the same branches is `CONFLICT`
    /// naming its number.
    async fn create_pull_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The repository, the branches and the pull request's text.")] input: CreatePullRequestInput,
    ) -> Result<CreatePullRequestPayload, ApiError> {
        let p = context::principal(ctx)?;
        let state = context::state(ctx)?;
        let title = input.title.trim().to_owned();
        if title.is_empty() || title.chars().count() > 400 {
            return Err(ApiError::validation("title", "title must be 1 to 400 characters", None));
        }
        let t = target(state, p, &input.integration_id, &input.repository).await?;
        let full = |b: &str| format!("refs/heads/{}", b.trim().trim_start_matches("refs/heads/"));
        let body = NewPullRequest {
            source_ref_name: full(&input.source_branch),
            target_ref_name: full(&input.target_branch),
            title,
            description: input.description.filter(|d| !d.trim().is_empty()),
            is_draft: input.is_draft.unwrap_or(false),
        };
        let org = &t.scope.org_url;
        let create =
            |v| git_write::create_pull_request(&state.azure, (org, v), &t.project, &t.repo.name, &body, t.credential());
        let created = state.upstream.negotiated(&t.scope.integration, create).await;
        let pr = match created {
            Ok(pr) => pr,
            Err(AzureError::Upstream { status: 409, .. }) => {
                let version = state.upstream.api_version(&t.scope.integration);
                let existing = git_write::active_pull_request(
                    &state.azure,
                    (org, version),
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
                return Err(ApiError::Conflict {
                    message,
                    hint: Some("update or complete the existing pull request".into()),
                });
            }
            Err(e) => return Err(to_write_error(&e, "repository")),
        };
        forget(state, &t);
        audit(state, p, "repository.create_pull_request", &t, serde_json::json!({ "number": pr.pull_request_id }))
            .await?;
        let pull_request = PullRequest { scope: t.scope.clone(), repo: Arc::new(t.repo), pr };
        Ok(CreatePullRequestPayload { pull_request, client_mutation_id: input.client_mutation_id })
    }

    /// Comments on a pull request as the caller: a new thread, or a reply in `threadId`.
    async fn add_pull_request_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The pull request and the comment.")] input: AddPullRequestCommentInput,
    ) -> Result<AddPullRequestCommentPayload, ApiError> {
        let p = context::principal(ctx)?;
        let state = context::state(ctx)?;
        if input.content.trim().is_empty() {
            return Err(ApiError::validation("content", "content must not be empty", None));
        }
        let t = target(state, p, &input.integration_id, &input.repository).await?;
        let at = (t.project.as_str(), t.repo.name.as_str(), input.pull_request_number);
        let comment = match input.thread_id {
            None => {
                let org = &t.scope.org_url;
                let open = |v| git_write::create_thread(&state.azure, (org, v), at, &input.content, t.credential());
                let thread = state
                    .upstream
                    .negotiated(&t.scope.integration, open)
                    .await
                    .map_err(|e| to_write_error(&e, "pull request"))?;
                let first =
                    thread.comments.first().cloned().ok_or_else(|| ApiError::internal("thread without a comment"))?;
                Comment::from_thread(&thread, &first)
            }
            Some(thread_id) => {
                let org = &t.scope.org_url;
                let reply = |v| git_write::reply(&state.azure, (org, v), at, thread_id, &input.content, t.credential());
                let c = state
                    .upstream
                    .negotiated(&t.scope.integration, reply)
                    .await
                    .map_err(|e| to_write_error(&e, "pull request thread"))?;
                let thread = crate::azure::wire::git::CommentThread { id: thread_id, ..Default::default() };
                Comment::from_thread(&thread, &c)
            }
        };
        forget(state, &t);
        let details = serde_json::json!({ "number": input.pull_request_number, "threadId": comment.thread_id });
        audit(state, p, "repository.add_pull_request_comment", &t, details).await?;
        Ok(AddPullRequestCommentPayload { comment, client_mutation_id: input.client_mutation_id })
    }

    /// HTTPS clone credentials carrying the caller's own token (never the integration's PAT).
    async fn clone_credentials(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The repository to clone.")] input: CloneCredentialsInput,
    ) -> Result<CloneCredentialsPayload, ApiError> {
        let p = context::principal(ctx)?;
        let state = context::state(ctx)?;
        let t = target(state, p, &input.integration_id, &input.repository).await?;
        if t.scope.chosen.is_integration_credential() {
            return Err(ApiError::NotAuthorizedUpstream {
                message: "clone credentials carry your own Azure DevOps token, and you have not connected one".into(),
                hint: Some("connect with startAzureDevOpsAuthorization or setPersonalAccessToken".into()),
            });
        }
        let owner = Owner { tenant_id: &p.tenant_id, user_id: &p.user_id, integration_id: &t.scope.integration.id };
        let row = auths::get(&state.db, owner).await?.ok_or(ApiError::internal("authorization vanished"))?;
        let password = match t.credential() {
            Credential::Pat(s) | Credential::Bearer(s) => s.expose_secret().to_owned(),
            Credential::None => return Err(ApiError::internal("no credential chosen")),
        };
        let clone_url = t.repo.remote_url.clone().ok_or(ApiError::UpstreamUnavailable {
            message: "Azure DevOps did not tell the repository's clone URL".into(),
        })?;
        audit(state, p, "repository.clone_credentials", &t, serde_json::json!({})).await?;
        Ok(CloneCredentialsPayload {
            clone_url,
            username: row.authenticated_as.clone(),
            password,
            expires_at: if row.method == auths::METHOD_PAT { None } else { row.expires_at },
            client_mutation_id: input.client_mutation_id,
        })
    }
}
