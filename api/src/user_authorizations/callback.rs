//! `GET /oauth/azure-devops/callback?code&state`: the end of a user's OAuth flow.
//!
//! The state is consumed first (single use, even when the flow failed), then the code is
//! exchanged with the client secret and the PKCE verifier, the token is tried against the
//! organization (who it belongs to), and the tokens are stored sealed in one transaction.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use entity::user;
use sea_orm::{EntityTrait, TransactionTrait};
use serde::Deserialize;

use super::pages;
use super::start::is_allowed_origin;
use crate::azure::entra::{self, EntraErrorClass, EntraFailure, GrantError};
use crate::azure::whoami::whoami;
use crate::azure::{AzureError, Credential};
use crate::state::AppState;
use crate::store::audit::{self, Actor};
use crate::store::integrations;
use crate::store::oauth_states::{self, ConsumeError};
use crate::store::user_authorizations::{self as auths, Owner, Secrets};

/// The query Entra ID redirects back with.
#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

const START_AGAIN: &str = "Start the connection again from the platform.";

pub async fn callback(State(state): State<AppState>, Query(q): Query<CallbackQuery>) -> Response {
    match finish(&state, q).await {
        Ok(response) => response,
        Err(response) => response,
    }
}

fn internal(cause: impl std::fmt::Display) -> Response {
    tracing::error!(%cause, "oauth callback failed");
    pages::failed(StatusCode::INTERNAL_SERVER_ERROR, "The server could not finish the connection.", START_AGAIN)
}

async fn finish(state: &AppState, q: CallbackQuery) -> Result<Response, Response> {
    let Some(state_value) = q.state.as_deref().filter(|s| !s.is_empty()) else {
        return Err(pages::failed(StatusCode::BAD_REQUEST, "The link has no state parameter.", START_AGAIN));
    };
    let consumed = match oauth_states::consume(&state.db, &state.keyring, state_value).await {
        Ok(c) => c,
        Err(ConsumeError::Unknown) => {
            return Err(pages::failed(
                StatusCode::BAD_REQUEST,
                "This authorization link is unknown or was already used.",
                START_AGAIN,
            ));
        }
        Err(ConsumeError::Expired) => {
            return Err(pages::failed(
                StatusCode::BAD_REQUEST,
                "This authorization link has expired (links last 10 minutes).",
                START_AGAIN,
            ));
        }
        Err(e) => return Err(internal(e)),
    };
    let row = consumed.row;
    if let Some(error) = q.error.as_deref() {
        tracing::info!(error, "authorization refused at Entra ID");
        if error == "access_denied"
            && q.error_description.as_deref().and_then(crate::azure::wire::aadsts_code).is_none_or(|c| c == 65004)
        {
            return Err(pages::failed(
                StatusCode::BAD_REQUEST,
                "You declined the authorization at Microsoft Entra ID.",
                START_AGAIN,
            ));
        }
        return Err(refused_page(&EntraFailure::new(error, q.error_description.as_deref(), None)));
    }
    let Some(code) = q.code.as_deref().filter(|c| !c.is_empty()) else {
        return Err(pages::failed(
            StatusCode::BAD_REQUEST,
            "Microsoft Entra ID sent no authorization code.",
            START_AGAIN,
        ));
    };
    let integration = match integrations::get(&state.db, &row.tenant_id, &row.integration_id).await {
        Ok(Some(m)) => m,
        Ok(None) => {
            return Err(pages::failed(
                StatusCode::NOT_FOUND,
                "The Azure DevOps integration no longer exists.",
                "Ask an administrator which integration to use.",
            ));
        }
        Err(e) => return Err(internal(e)),
    };
    let app = match super::entra_app(state, &integration) {
        Ok(Some(app)) => app,
        Ok(None) => {
            return Err(pages::failed(
                StatusCode::CONFLICT,
                "The integration no longer has an Entra ID OAuth app.",
                "Ask an administrator, or connect with a personal access token.",
            ));
        }
        Err(_) => return Err(internal("the OAuth app's client secret does not open")),
    };
    let tokens = match entra::exchange_code(&state.azure, &app, code, &consumed.verifier).await {
        Ok(t) => t,
        Err(GrantError::Refused(failure)) => return Err(refused_page(&failure)),
        Err(GrantError::Call(e)) => {
            tracing::warn!(error = %e, "token endpoint unusable");
            return Err(pages::failed(
                StatusCode::BAD_GATEWAY,
                "Microsoft Entra ID could not be reached.",
                "Try again in a few minutes.",
            ));
        }
    };
    let org_url = url::Url::parse(&integration.organization_url).map_err(internal)?;
    let bearer = Credential::Bearer(tokens.access_token.clone());
    let authenticated_as = match whoami(&state.azure, &org_url, &bearer).await {
        Ok(who) => who,
        Err(e @ (AzureError::Unauthorized { .. } | AzureError::Forbidden { .. })) => {
            tracing::info!(error = %e, "the new token does not open the organization");
            return Err(pages::failed(
                StatusCode::FORBIDDEN,
                &format!(
                    "Your Microsoft account cannot open the Azure DevOps organization {}.",
                    integration.organization
                ),
                "Sign in with an account that is a member of the organization, or ask its administrator to add you.",
            ));
        }
        Err(e) => {
            tracing::warn!(error = %e, "organization unusable after authorization");
            return Err(pages::failed(
                StatusCode::BAD_GATEWAY,
                "Azure DevOps could not be reached to confirm the connection.",
                START_AGAIN,
            ));
        }
    };
    let scopes = if tokens.scopes.is_empty() { app.scopes.clone() } else { tokens.scopes.clone() };
    let refreshable = tokens.refresh_token.is_some();
    let lifetime = chrono::Duration::from_std(tokens.expires_in).unwrap_or(chrono::Duration::hours(1));
    let secrets = Secrets::OAuth {
        access: &tokens.access_token,
        refresh: tokens.refresh_token.as_ref(),
        expires_at: Utc::now() + lifetime,
    };
    store(state, &row, secrets, &scopes, &authenticated_as).await.map_err(internal)?;
    let warning = (!refreshable).then_some(
        "Microsoft Entra ID issued no refresh token (the app's scopes lack offline_access): \
         you will need to connect again when the access token expires, in about an hour.",
    );
    if !refreshable {
        tracing::warn!(integration = %integration.id, "authorization without a refresh token (offline_access missing)");
    }
    match row.return_url.as_deref().and_then(|u| url::Url::parse(u).ok()) {
        Some(mut url) if is_allowed_origin(state, &url) => {
            if !refreshable {
                url.query_pairs_mut().append_pair("azureDevOpsWarning", "offline_access_missing");
            }
            Ok(Redirect::to(url.as_str()).into_response())
        }
        _ => Ok(pages::connected(&authenticated_as, &integration.organization, warning)),
    }
}

/// Stores the tokens for the state's owner and the audit line, in one transaction.
async fn store(
    state: &AppState,
    row: &entity::oauth_state::Model,
    secrets: Secrets<'_>,
    scopes: &[String],
    authenticated_as: &str,
) -> Result<(), sea_orm::DbErr> {
    let refreshable = matches!(secrets, Secrets::OAuth { refresh: Some(_), .. });
    let txn = state.db.begin().await?;
    let owner = Owner { tenant_id: &row.tenant_id, user_id: &row.user_id, integration_id: &row.integration_id };
    auths::put(&txn, &state.keyring, owner, secrets, scopes, authenticated_as).await?;
    let user_name = user::Entity::find_by_id(row.user_id.clone()).one(&txn).await?.map(|u| u.name).unwrap_or_default();
    let actor = Actor { tenant_id: row.tenant_id.clone(), user: user_name, token_id: None };
    let details = serde_json::json!({
        "method": auths::METHOD_OAUTH, "authenticatedAs": authenticated_as, "scopes": scopes, "refreshable": refreshable,
    });
    audit::record(&txn, &actor, "user_authorization.connect", Some(&row.integration_id), details).await?;
    txn.commit().await
}

/// The page for an Entra refusal, by class (entra_errors.rs): sign in again, ask for a policy
/// change, ask an administrator to fix the app, or try again later.
fn refused_page(f: &EntraFailure) -> Response {
    let (status, problem, what_to_do) = match f.class {
        EntraErrorClass::NewSignIn => (
            StatusCode::BAD_REQUEST,
            format!(
                "Microsoft Entra ID asks for a new sign-in: {} ({}: {}).",
                f.sign_in_reason(),
                f.error,
                f.description
            ),
            START_AGAIN.to_owned(),
        ),
        EntraErrorClass::BlockedByPolicy => (
            StatusCode::FORBIDDEN,
            format!("A Microsoft Entra ID access policy blocks this sign-in ({}: {}).", f.error, f.description),
            "Signing in again will not help until an Entra administrator changes the Conditional Access or \
             cross-tenant access policy (CONDITIONAL_ACCESS_BLOCKED)."
                .to_owned(),
        ),
        EntraErrorClass::Setup => (
            StatusCode::BAD_GATEWAY,
            format!("Microsoft Entra ID refused the OAuth app ({}: {}).", f.error, f.description),
            "Ask an administrator to verify the integration's OAuth app.".to_owned(),
        ),
        EntraErrorClass::Transient => (
            StatusCode::BAD_GATEWAY,
            format!("Microsoft Entra ID is temporarily unavailable ({}).", f.label()),
            "Try again in a few minutes.".to_owned(),
        ),
    };
    pages::failed(status, &problem, &what_to_do)
}
