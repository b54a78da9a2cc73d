//! Starting a user's OAuth authorization: a single-use state row (10 minutes, bound to tenant,
//! user and integration, PKCE verifier sealed) and the Entra authorize URL, whose `nonce` is
//! derived from the state (`nonce.rs`).
//!
//! Only `startAzureDevOpsAuthorization` starts one (reads name the mutation instead), and the
//! rows stay few: a start replaces the user's pending state for the integration, and a user
//! keeps at most [`MAX_PENDING_PER_USER`]. Expired rows go in the background (`janitor.rs`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entity::integration;
use rand::RngCore as _;
use sea_orm::ConnectionTrait;
use url::Url;

use super::entra_app;
use crate::auth::Principal;
use crate::azure::entra;
use crate::domain::user_authorization_methods::UserAuthorizationMethod;
use crate::error::ApiError;
use crate::store::oauth_states::{self, NewState};
use crate::user_authorizations::Accounts;

/// Pending states a user keeps at most, across integrations (the oldest go first).
pub const MAX_PENDING_PER_USER: u64 = 10;

/// A started authorization.
pub struct Started {
    pub authorization_url: String,
    pub expires_at: DateTime<Utc>,
    /// The app's scopes lack `offline_access`: no refresh token, the user must reconnect hourly.
    pub missing_offline_access: bool,
}

/// Where the flow returns and whom Entra should suggest.
#[derive(Clone, Copy, Default)]
pub struct Request<'a> {
    pub return_url: Option<&'a str>,
    /// The account to preselect at Entra (`login_hint`), e.g. the user's e-mail.
    pub login_hint: Option<&'a str>,
}

/// Creates the state row in `db` and returns the URL to open. `VALIDATION` when the integration
/// has no OAuth app, `return_url` is not on an allowed origin or `login_hint` is not a name.
pub async fn start(
    state: &Accounts,
    db: &impl ConnectionTrait,
    p: &Principal,
    m: &integration::Model,
    request: Request<'_>,
) -> Result<Started, ApiError> {
    let Some(app) = entra_app(state, m)? else {
        return Err(ApiError::validation(
            "integrationId",
            "this integration has no Entra ID OAuth app",
            Some("connect with a personal access token instead (setPersonalAccessToken)"),
        ));
    };
    super::methods::require(m, UserAuthorizationMethod::OAuth)?;
    let return_url = request
        .return_url
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|raw| check_return_url(state, raw))
        .transpose()?;
    let login_hint = request.login_hint.map(str::trim).filter(|s| !s.is_empty()).map(check_login_hint).transpose()?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let state_value = URL_SAFE_NO_PAD.encode(bytes);
    let nonce = super::nonce::of(&state.keyring, &state_value);
    let request = entra::authorize_url(&app, &state_value, &nonce, login_hint).map_err(ApiError::internal)?;
    let now = Utc::now();
    let ttl = chrono::Duration::from_std(state.config.oauth_state_ttl).unwrap_or(chrono::Duration::minutes(10));
    let expires_at = now + ttl;
    oauth_states::forget_pending(db, &p.user_id, &m.id).await?;
    oauth_states::insert(
        db,
        &state.keyring,
        NewState {
            state: &state_value,
            tenant_id: &p.tenant_id,
            user_id: &p.user_id,
            integration_id: &m.id,
            verifier: &request.verifier,
            return_url: return_url.map(|u| u.to_string()),
            expires_at,
        },
    )
    .await?;
    oauth_states::trim_user(db, &p.user_id, MAX_PENDING_PER_USER).await?;
    let missing_offline_access = !app.scopes.iter().any(|s| s == "offline_access");
    Ok(Started { authorization_url: request.url.to_string(), expires_at, missing_offline_access })
}

/// `loginHint` is an account name (an e-mail or UPN): at most 256 characters, no spaces or controls.
fn check_login_hint(hint: &str) -> Result<&str, ApiError> {
    if hint.chars().count() > 256 || hint.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ApiError::validation(
            "loginHint",
            "is not an account name",
            Some("pass the user's sign-in name, e.g. dana@contoso.com, or leave loginHint out"),
        ));
    }
    Ok(hint)
}

/// `returnUrl` must be an absolute http(s) URL on the public URL's origin or a configured one.
pub fn check_return_url(state: &Accounts, raw: &str) -> Result<Url, ApiError> {
    let invalid = |msg: &str| {
        ApiError::validation(
            "returnUrl",
            msg,
            Some("use a URL on this server's public origin or one listed in VCSLINK_OAUTH_RETURN_ORIGINS"),
        )
    };
    let url = Url::parse(raw).map_err(|_| invalid("not an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid("not an http(s) URL"));
    }
    if !is_allowed_origin(state, &url) {
        return Err(invalid("its origin is not allowed"));
    }
    Ok(url)
}

/// Whether `url`'s origin is the public URL's or one of `VCSLINK_OAUTH_RETURN_ORIGINS`.
pub fn is_allowed_origin(state: &Accounts, url: &Url) -> bool {
    let origin = url.origin().ascii_serialization();
    let public = Url::parse(&state.public_url).map(|u| u.origin().ascii_serialization()).ok();
    public.as_deref() == Some(origin.as_str())
        || state.config.oauth_return_origins.iter().any(|o| o.eq_ignore_ascii_case(&origin))
}
