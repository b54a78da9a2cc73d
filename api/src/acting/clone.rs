//! `cloneCredentials`: HTTPS clone credentials carrying the caller's own token.

use chrono::{DateTime, Utc};
use entity::integration;
use secrecy::SecretString;

use super::{audit, target};
use crate::auth::Principal;
use crate::azure::Credential;
use crate::browse::Browse;
use crate::error::ApiError;
use crate::store::audit::Actor;
use crate::store::user_authorizations::{self as auths, Owner};

/// What `git clone` over HTTPS needs.
pub struct CloneCredentials {
    pub clone_url: String,
    /// Names the caller's account (Azure DevOps ignores it).
    pub username: String,
    /// The caller's access token or personal access token.
    pub password: SecretString,
    /// When the password stops working; `None` for a personal access token.
    pub expires_at: Option<DateTime<Utc>>,
}

/// The caller's clone credentials for `repository`, never the integration's PAT:
/// `NOT_AUTHORIZED_UPSTREAM` when the caller has not connected their own account.
pub async fn credentials(
    state: &Browse,
    p: &Principal,
    actor: &Actor,
    m: integration::Model,
    repository: &str,
) -> Result<CloneCredentials, ApiError> {
    let t = target(state, p, m, repository, super::ActAs::User).await?;
    if t.scope.chosen.is_integration_credential() {
        return Err(ApiError::NotAuthorizedUpstream {
            message: "clone credentials carry your own Azure DevOps token, and you have not connected one".into(),
            hint: Some("connect with startAzureDevOpsAuthorization or setPersonalAccessToken".into()),
        });
    }
    let owner = Owner { tenant_id: &p.tenant_id, user_id: &p.user_id, integration_id: &t.scope.integration.id };
    let row = auths::get(&state.db, owner).await?.ok_or(ApiError::internal("authorization vanished"))?;
    let password = match t.credential() {
        Credential::Pat(s) | Credential::Bearer(s) => s.clone(),
        Credential::None => return Err(ApiError::internal("no credential chosen")),
    };
    let clone_url = t.repo.remote_url.clone().ok_or(ApiError::UpstreamUnavailable {
        message: "Azure DevOps did not tell the repository's clone URL".into(),
    })?;
    audit(state, actor, "repository.clone_credentials", &t, serde_json::json!({})).await?;
    Ok(CloneCredentials {
        clone_url,
        username: row.authenticated_as,
        password,
        expires_at: if row.method == auths::METHOD_PAT { None } else { row.expires_at },
    })
}
