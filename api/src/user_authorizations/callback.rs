//! `GET /oauth/azure-devops/callback?code&state`: the end of a user's OAuth flow.
//!
//! The state is consumed first (single use, even when the flow failed), then the code is
//! exchanged with the client secret and the PKCE verifier, the ID token is checked (signature,
//! issuer, audience, tenant, expiry, and the nonce derived from the state), and the access token is
//! tried against the organization (who it belongs to). The tokens are stored for nobody: whoever's browser finished
//! the flow, they are parked under a one-time handle that only the (tenant, user) who started it
//! can complete (`completeAzureDevOpsAuthorization`). A link forwarded to a colleague therefore
//! files the colleague's tokens under no one.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::callback_failure::CallbackFailure;
use super::pages;
use super::start::is_allowed_origin;
use crate::azure::entra::{self, EntraFailure, GrantError};
use crate::azure::id_token::{self, IdTokenError};
use crate::azure::whoami::whoami;
use crate::azure::{AzureError, Credential};
use crate::store::integrations;
use crate::store::oauth_states::{self, ConsumeError};
use crate::store::parked_authorizations::{self as parked, NewParked};
use crate::user_authorizations::Accounts;

/// The query parameter that carries the one-time handle back to `returnUrl`.
pub const HANDLE_PARAMETER: &str = "vcslink_authorization";

/// The query Entra ID redirects back with.
#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

pub async fn callback(
    State(state): State<Accounts>,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, CallbackFailure> {
    let response = finish(&state, q).await?;
    crate::metrics::oauth_callback("connected");
    Ok(response)
}

async fn finish(state: &Accounts, q: CallbackQuery) -> Result<Response, CallbackFailure> {
    let Some(state_value) = q.state.as_deref().filter(|s| !s.is_empty()) else {
        return Err(CallbackFailure::NoState);
    };
    let consumed = match oauth_states::consume(&state.db, &state.keyring, state_value).await {
        Ok(c) => c,
        Err(ConsumeError::Unknown) => return Err(CallbackFailure::UnknownState),
        Err(ConsumeError::Expired) => return Err(CallbackFailure::ExpiredState),
        Err(e) => return Err(CallbackFailure::internal(e)),
    };
    let row = consumed.row;
    if let Some(error) = q.error.as_deref() {
        tracing::info!(error, "authorization refused at Entra ID");
        if error == "access_denied"
            && q.error_description.as_deref().and_then(crate::azure::wire::aadsts_code).is_none_or(|c| c == 65004)
        {
            return Err(CallbackFailure::Declined);
        }
        return Err(CallbackFailure::Refused(EntraFailure::new(error, q.error_description.as_deref(), None)));
    }
    let Some(code) = q.code.as_deref().filter(|c| !c.is_empty()) else {
        return Err(CallbackFailure::NoCode);
    };
    let integration = integrations::get(&state.db, &row.tenant_id, &row.integration_id)
        .await?
        .ok_or(CallbackFailure::IntegrationGone)?;
    let app = match super::entra_app(state, &integration) {
        Ok(Some(app)) => app,
        Ok(None) => return Err(CallbackFailure::NoOAuthApp),
        Err(_) => return Err(CallbackFailure::internal("the OAuth app's client secret does not open")),
    };
    let tokens = match entra::exchange_code(&state.azure, &app, code, &consumed.verifier).await {
        Ok(t) => t,
        Err(GrantError::Refused(failure)) => return Err(CallbackFailure::Refused(failure)),
        Err(GrantError::Call(e)) => {
            tracing::warn!(error = %e, "token endpoint unusable");
            return Err(CallbackFailure::EntraUnreachable);
        }
    };
    let nonce_matches = |nonce: &str| super::nonce::matches(&state.keyring, state_value, nonce);
    let expected = id_token::Expected {
        discovery_url: &app.discovery_url,
        client_id: &app.client_id,
        nonce_matches: &nonce_matches,
    };
    let id_token = tokens.id_token.as_ref().map(|t| t.expose_secret());
    let account = match id_token::check(&state.azure, id_token, expected).await {
        Ok(account) => account,
        Err(IdTokenError::Keys(e)) => {
            tracing::warn!(error = %e, "the tenant's signing keys are unreadable");
            return Err(CallbackFailure::SigningKeysUnreachable);
        }
        Err(e) => return Err(CallbackFailure::IdTokenRefused(e)),
    };
    let org_url = url::Url::parse(&integration.organization_url).map_err(CallbackFailure::internal)?;
    let bearer = Credential::Bearer(tokens.access_token.clone());
    let authenticated_as = match whoami(&state.azure, &org_url, &bearer).await {
        Ok(who) => who,
        Err(e @ (AzureError::Unauthorized { .. } | AzureError::Forbidden { .. })) => {
            tracing::info!(error = %e, "the new token does not open the organization");
            return Err(CallbackFailure::NotMember { organization: integration.organization.clone() });
        }
        Err(e) => {
            tracing::warn!(error = %e, "organization unusable after authorization");
            return Err(CallbackFailure::AzureDevOpsUnreachable);
        }
    };
    let scopes = if tokens.scopes.is_empty() { app.scopes.clone() } else { tokens.scopes.clone() };
    let refreshable = tokens.refresh_token.is_some();
    let lifetime = chrono::Duration::from_std(tokens.expires_in).unwrap_or(chrono::Duration::hours(1));
    let now = Utc::now();
    let ttl = chrono::Duration::from_std(state.config.oauth_state_ttl).unwrap_or(chrono::Duration::minutes(10));
    parked::purge_expired(&state.db, now).await?;
    let parked = NewParked {
        owner: parked::Principal { tenant_id: &row.tenant_id, user_id: &row.user_id },
        integration_id: &row.integration_id,
        access: &tokens.access_token,
        refresh: tokens.refresh_token.as_ref(),
        token_expires_at: now + lifetime,
        scopes: &scopes,
        authenticated_as: &authenticated_as,
        account: &account,
        expires_at: now + ttl,
    };
    let handle = parked::park(&state.db, &state.keyring, parked).await?;
    let warning = (!refreshable).then_some(
        "Microsoft Entra ID issued no refresh token (the app's scopes lack offline_access): \
         you will need to connect again when the access token expires, in about an hour.",
    );
    if !refreshable {
        tracing::warn!(integration = %integration.id, "authorization without a refresh token (offline_access missing)");
    }
    match row.return_url.as_deref().and_then(|u| url::Url::parse(u).ok()) {
        Some(mut url) if is_allowed_origin(state, &url) => {
            url.query_pairs_mut().append_pair(HANDLE_PARAMETER, handle.expose_secret());
            if !refreshable {
                url.query_pairs_mut().append_pair("azureDevOpsWarning", "offline_access_missing");
            }
            Ok(Redirect::to(url.as_str()).into_response())
        }
        _ => Ok(pages::parked(handle.expose_secret(), &authenticated_as, &integration.organization, warning)),
    }
}
