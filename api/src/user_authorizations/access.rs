//! A user's stored authorization as a ready credential: a personal PAT as is, an OAuth access
//! token refreshed when it is about to expire.
//!
//! A refused refresh is judged by its Entra error class (`azure/entra_errors.rs`): a grant that
//! needs a new sign-in marks the authorization EXPIRED (the caller gets a reconnect link), a policy
//! block or an app fault keeps it and says who must act, a transient failure keeps it as is.
//!
//! Refresh is single flight: within a process one refresh per authorization at a time (a
//! per-row async mutex), across replicas a compare-and-swap on the row's `version`, so a
//! refresh token Entra already replaced never overwrites the newer one.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use entity::integration;
use entity::user_authorization::{self as ua, Model};
use moka::future::Cache;
use sea_orm::EntityTrait;
use secrecy::SecretString;

use crate::azure::Credential;
use crate::azure::entra::{self, EntraErrorClass, EntraFailure, GrantError};
use crate::error::ApiError;
use crate::store::user_authorizations::{self as auths, METHOD_PAT, STATUS_EXPIRED};
use crate::user_authorizations::Accounts;

/// One async mutex per authorization row being refreshed in this process.
#[derive(Clone)]
pub struct RefreshFlights(Cache<String, Arc<tokio::sync::Mutex<()>>>);

impl Default for RefreshFlights {
    fn default() -> Self {
        RefreshFlights(Cache::builder().max_capacity(100_000).time_to_idle(Duration::from_secs(600)).build())
    }
}

impl RefreshFlights {
    async fn lock_for(&self, row_id: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.0.get_with(row_id.to_owned(), async { Arc::new(tokio::sync::Mutex::new(())) }).await
    }
}

/// How the user authenticates: `oauth` or `pat` (part of the cache identity).
pub fn method_tag(row: &Model) -> &'static str {
    if row.method == METHOD_PAT { "pat" } else { "oauth" }
}

/// The message of a stored authorization that no longer works.
pub fn expired_message(m: &integration::Model) -> String {
    format!("your Azure DevOps authorization for {} has expired or was revoked; connect again", m.organization)
}

/// The credential of an ACTIVE authorization; `ConnectAzureDevOps` when it turns out expired.
pub async fn credential(state: &Accounts, m: &integration::Model, row: Model) -> Result<Credential, ApiError> {
    if row.status == STATUS_EXPIRED {
        return Err(super::needs_connection(m, expired_message(m)));
    }
    if row.method == METHOD_PAT {
        let pat = auths::open_pat(&state.keyring, &row).map_err(ApiError::internal)?;
        return pat.map(Credential::from_secret).ok_or_else(|| ApiError::internal("personal PAT row without a token"));
    }
    bearer(state, m, row).await.map(Credential::Bearer)
}

fn is_fresh(state: &Accounts, row: &Model) -> bool {
    let margin = chrono::Duration::from_std(state.config.oauth_refresh_margin).unwrap_or(chrono::Duration::minutes(5));
    row.expires_at.is_some_and(|at| at - Utc::now() > margin)
}

fn open_access(state: &Accounts, row: &Model) -> Result<SecretString, ApiError> {
    auths::open_access_token(&state.keyring, row)
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::internal("OAuth row without an access token"))
}

async fn bearer(state: &Accounts, m: &integration::Model, row: Model) -> Result<SecretString, ApiError> {
    if is_fresh(state, &row) {
        return open_access(state, &row);
    }
    let lock = state.refresh_flights.lock_for(&row.id).await;
    let _flight = lock.lock().await;
    // Another request (here or on another replica) may have refreshed while we waited.
    for _ in 0..3 {
        let Some(row) = ua::Entity::find_by_id(row.id.clone()).one(&state.db).await? else {
            return Err(super::needs_connection(m, "you disconnected Azure DevOps".to_owned()));
        };
        if row.status == STATUS_EXPIRED {
            return Err(super::needs_connection(m, expired_message(m)));
        }
        if is_fresh(state, &row) {
            return open_access(state, &row);
        }
        let Some(refresh) = auths::open_refresh_token(&state.keyring, &row).map_err(ApiError::internal)? else {
            if row.expires_at.is_some_and(|at| at > Utc::now()) {
                return open_access(state, &row);
            }
            let message = format!(
                "your Azure DevOps access token for {} has expired and there is no refresh token \
                 (the OAuth app's scopes lack offline_access); connect again",
                m.organization
            );
            return Err(super::needs_connection(m, message));
        };
        let Some(app) = super::entra_app(state, m)? else {
            return Err(super::needs_connection(m, "the integration no longer has an OAuth app".to_owned()));
        };
        match entra::refresh(&state.azure, &app, &refresh).await {
            Ok(tokens) => {
                let lifetime = chrono::Duration::from_std(tokens.expires_in).unwrap_or(chrono::Duration::hours(1));
                let expires_at = Utc::now() + lifetime;
                let swapped = auths::swap_tokens(
                    &state.db,
                    &state.keyring,
                    &row,
                    &tokens.access_token,
                    tokens.refresh_token.as_ref(),
                    expires_at,
                )
                .await?;
                if swapped {
                    tracing::debug!(authorization = %row.id, "access token refreshed");
                    return Ok(tokens.access_token);
                }
            }
            Err(GrantError::Refused(failure)) => match failure.class {
                EntraErrorClass::NewSignIn => {
                    if auths::mark_expired(&state.db, &row).await? {
                        tracing::info!(authorization = %row.id, error = %failure.label(), description = %failure.description,
                            "refresh refused; the user must sign in again; authorization expired");
                        return Err(super::needs_connection(m, sign_in_again_message(m, &failure)));
                    }
                }
                EntraErrorClass::BlockedByPolicy => {
                    tracing::info!(authorization = %row.id, error = %failure.label(), "refresh blocked by a policy");
                    return Err(policy_blocked(m, &failure));
                }
                EntraErrorClass::Setup => {
                    tracing::warn!(error = %failure.label(), description = %failure.description, "refresh refused for the OAuth app");
                    return Err(ApiError::NotAuthorizedUpstream {
                        message: format!(
                            "Microsoft Entra ID refused the integration's OAuth app while refreshing your token ({}: {})",
                            failure.error, failure.description
                        ),
                        hint: Some(
                            "an administrator verifies the integration (verifyAzureDevOpsIntegration) and fixes its \
                             OAuth app; your connection is kept"
                                .to_owned(),
                        ),
                    });
                }
                EntraErrorClass::Transient => {
                    return Err(ApiError::UpstreamUnavailable {
                        message: format!(
                            "Microsoft Entra ID could not refresh your token right now ({}); try again",
                            failure.label()
                        ),
                    });
                }
            },
            Err(GrantError::Call(e)) => {
                return Err(ApiError::UpstreamUnavailable {
                    message: format!("Microsoft Entra ID could not refresh your token: {e}"),
                });
            }
        }
        // Lost the compare-and-swap: another replica wrote first; read its tokens.
    }
    Err(ApiError::UpstreamUnavailable { message: "your token could not be refreshed; try again".to_owned() })
}

/// The message of an authorization Entra says needs a new sign-in, with the reason.
pub fn sign_in_again_message(m: &integration::Model, failure: &EntraFailure) -> String {
    format!(
        "Microsoft Entra ID asks you to sign in again for Azure DevOps organization {}: {} ({}); connect again",
        m.organization,
        failure.sign_in_reason(),
        failure.label()
    )
}

/// `NOT_AUTHORIZED_UPSTREAM` for a Conditional Access or cross-tenant policy block: the
/// authorization is kept, since signing in again does not help until the policy changes.
pub fn policy_blocked(m: &integration::Model, failure: &EntraFailure) -> ApiError {
    ApiError::NotAuthorizedUpstream {
        message: format!(
            "a Microsoft Entra ID access policy blocks your access to Azure DevOps organization {} \
             (CONDITIONAL_ACCESS_BLOCKED, {}: {})",
            m.organization, failure.error, failure.description
        ),
        hint: crate::azure::VerificationCode::ConditionalAccessBlocked.hint().map(str::to_owned),
    }
}
