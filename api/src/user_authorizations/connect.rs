//! Connecting and disconnecting the caller's own Azure DevOps account: starting OAuth, storing a
//! personal access token Azure DevOps accepted, forgetting the tokens; each audited in one transaction.

use entity::{integration, user_authorization};
use sea_orm::TransactionTrait;

use super::start::{self, Started};
use crate::auth::Principal;
use crate::azure::whoami::whoami;
use crate::azure::{AzureError, Credential};
use crate::domain::secrets::PersonalAccessToken;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;
use crate::store::audit::Actor;
use crate::store::user_authorizations::{self as auths, Owner, Secrets};

/// Starts the OAuth flow for the caller (see `start::start`) and records it.
pub async fn start_oauth(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    m: &integration::Model,
    return_url: Option<&str>,
) -> Result<Started, ApiError> {
    let txn = state.db.begin().await?;
    let started = start::start(state, &txn, p, m, return_url).await?;
    store::audit::record(&txn, actor, "user_authorization.start", Some(&m.id), serde_json::json!({})).await?;
    txn.commit().await?;
    Ok(started)
}

/// Problems worth showing the user about a started authorization.
pub fn warnings(started: &Started) -> Vec<String> {
    let mut warnings = Vec::new();
    if started.missing_offline_access {
        warnings.push(
            "the OAuth app's scopes lack offline_access: no refresh token will be issued, so you will \
             have to connect again when the access token expires (about an hour)"
                .to_owned(),
        );
    }
    warnings
}

/// Stores the caller's personal access token once Azure DevOps said whom it belongs to, replacing
/// any previous authorization of the caller for `m`. A token Azure DevOps refuses is `VALIDATION`.
pub async fn set_personal_access_token(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    m: &integration::Model,
    token: &PersonalAccessToken,
) -> Result<user_authorization::Model, ApiError> {
    let org_url = url::Url::parse(&m.organization_url).map_err(ApiError::internal)?;
    let credential = Credential::from_secret(token.secret().clone());
    let who = whoami(&state.azure, &org_url, &credential).await.map_err(|e| rejected(&e, m))?;
    let txn = state.db.begin().await?;
    let owner = Owner { tenant_id: &p.tenant_id, user_id: &p.user_id, integration_id: &m.id };
    let row = auths::put(&txn, &state.keyring, owner, Secrets::Pat(token.secret()), &[], &who).await?;
    let details = serde_json::json!({ "method": auths::METHOD_PAT, "authenticatedAs": who });
    store::audit::record(&txn, actor, "user_authorization.connect", Some(&m.id), details).await?;
    txn.commit().await?;
    Ok(row)
}

/// Deletes the caller's own tokens for `m`; false when there were none (then nothing is audited).
pub async fn disconnect(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    m: &integration::Model,
) -> Result<bool, ApiError> {
    let txn = state.db.begin().await?;
    let owner = Owner { tenant_id: &p.tenant_id, user_id: &p.user_id, integration_id: &m.id };
    let disconnected = auths::delete(&txn, owner).await?;
    if disconnected {
        store::audit::record(&txn, actor, "user_authorization.disconnect", Some(&m.id), serde_json::json!({})).await?;
    }
    txn.commit().await?;
    Ok(disconnected)
}

/// Azure DevOps did not accept the token: a `VALIDATION` error on `token`, never echoing it.
fn rejected(e: &AzureError, m: &integration::Model) -> ApiError {
    match e {
        AzureError::Unauthorized { expired: true } => ApiError::validation(
            "token",
            "Azure DevOps says this personal access token has expired",
            Some("create a new token on the Personal Access Tokens page (personalAccessTokenUrl)"),
        ),
        AzureError::Unauthorized { .. } | AzureError::Forbidden { .. } | AzureError::InvalidCredential => {
            ApiError::validation(
                "token",
                format!("Azure DevOps does not accept this personal access token for {}", m.organization),
                Some(
                    "check that the token is for this organization and not revoked; a global \"All accessible \
                     organizations\" token no longer works since 2026-12-01: create one for this organization \
                     (personalAccessTokenUrl)",
                ),
            )
        }
        AzureError::RateLimited { retry_after } => {
            ApiError::RateLimited { retry_after_seconds: retry_after.map(|d| d.as_secs()).unwrap_or(60) }
        }
        other => ApiError::UpstreamUnavailable { message: format!("the token could not be checked: {other}") },
    }
}
