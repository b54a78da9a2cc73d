//! Acting in Azure DevOps as the caller: branches, pull requests, comments, clone credentials and
//! work item comments. The write counterpart of `browse/`: writes use the caller's own
//! authorization (ADMIN callers without one fall back to the integration PAT; see
//! `browse::credential`), invalidate what `browse/` cached, and are audited.

pub mod branches;
pub mod clone;
pub mod pull_requests;
pub mod work_items;

use std::sync::Arc;

use entity::integration;

use crate::auth::Principal;
use crate::azure::Credential;
use crate::azure::wire::git::GitRepository;
use crate::browse::Browse;
use crate::browse::credential::Purpose;
use crate::browse::repositories;
use crate::browse::scope::Scope;
use crate::error::ApiError;
use crate::store;
use crate::store::audit::Actor;

/// The repository a write targets, read with the caller's write credential.
pub struct Target {
    pub scope: Arc<Scope>,
    pub repo: GitRepository,
    pub project: String,
}

impl Target {
    fn credential(&self) -> &Credential {
        &self.scope.chosen.credential
    }
}

/// `organization/project/repository` of `m`'s organization, as the caller.
pub async fn target(
    state: &Browse,
    p: &Principal,
    m: integration::Model,
    repository: &str,
    act_as: ActAs,
) -> Result<Target, ApiError> {
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
    let scope = Scope::open(state, p, m, act_as.purpose()).await?;
    let repo = repositories::get(state, &scope, project, name).await?.ok_or(ApiError::not_found("repository"))?;
    Ok(Target { scope, project: repo.project.name.clone(), repo })
}

/// Whose Azure DevOps identity a write uses: the caller's own authorization (the default), or,
/// for an ADMIN, the integration's own credential (its app identity, else its PAT) as a bot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ActAs {
    #[default]
    User,
    Integration,
}

impl ActAs {
    pub fn purpose(self) -> Purpose {
        match self {
            ActAs::User => Purpose::Write,
            ActAs::Integration => Purpose::WriteAsIntegration,
        }
    }
}

/// Records `action` on the target's integration, naming the repository and whom it acted as.
async fn audit(
    state: &Browse,
    actor: &Actor,
    action: &str,
    target: &Target,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    let txn = crate::store::begin_write(&state.db).await?;
    let mut details = details;
    details["repository"] = serde_json::json!(format!("{}/{}", target.project, target.repo.name));
    details["as"] = serde_json::json!(target.scope.chosen.identity);
    store::audit::record(&txn, actor, action, Some(&target.scope.integration.id), details).await?;
    txn.commit().await?;
    Ok(())
}

/// Drops `browse/`'s cached reads of the target repository (by id and by name).
fn forget(state: &Browse, t: &Target) {
    state.upstream.cache.invalidate_repository(&t.scope.integration.id, &t.repo.id);
    state.upstream.cache.invalidate_repository(&t.scope.integration.id, &t.repo.name);
}
