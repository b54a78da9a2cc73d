//! Users' own Azure DevOps authorizations: starting the OAuth flow, parking it at the callback,
//! completing it as the same principal, keeping access tokens fresh (single flight), and the
//! errors that send a user to reconnect.
//!
//! Plain-route and resolver code both call in here; it reaches `store/` and `azure/`, never GraphQL.

pub mod access;
pub mod callback;
pub mod callback_failure;
pub mod complete;
pub mod connect;
pub mod handle;
pub mod janitor;
pub mod methods;
pub mod nonce;
pub mod pages;
pub mod start;

pub use handle::Accounts;

use entity::integration;

use crate::azure::entra::EntraApp;
use crate::error::ApiError;
use crate::store::integrations as rows;

/// The integration's Entra app as the user flow needs it; `None` when it has none.
pub fn entra_app(state: &Accounts, m: &integration::Model) -> Result<Option<EntraApp>, ApiError> {
    let (Some(auth), Some(token), Some(client_id)) =
        (m.oauth_authorization_url.as_deref(), m.oauth_token_url.as_deref(), m.oauth_client_id.clone())
    else {
        return Ok(None);
    };
    let Some(client_secret) = rows::open_client_secret(&state.keyring, m).map_err(ApiError::internal)? else {
        return Ok(None);
    };
    let parse = |s: &str| url::Url::parse(s).map_err(ApiError::internal);
    let issuer = m.oauth_issuer_url.as_deref().ok_or_else(|| ApiError::internal("the OAuth app has no issuer"))?;
    let discovery = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
    Ok(Some(EntraApp {
        authorization_url: parse(auth)?,
        token_url: parse(token)?,
        client_id,
        client_secret,
        scopes: rows::oauth_scopes(m),
        redirect_uri: state.oauth_redirect_uri(),
        discovery_url: parse(&discovery)?,
    }))
}

/// The mutation that starts a user's OAuth authorization, named in errors that need one.
pub const START_MUTATION: &str = "startAzureDevOpsAuthorization";

/// The error of a call that needs the caller's own Azure DevOps authorization, with the ways to
/// get one that the integration allows in `extensions`: `startMutation` (the mutation that starts
/// an OAuth authorization; a read never starts one itself) when OAuth is allowed, and
/// `personalAccessTokenUrl` when personal access tokens are.
pub fn needs_connection(m: &integration::Model, message: String) -> ApiError {
    let allowed = rows::user_authorization_methods(m);
    let oauth = allowed.oauth && m.oauth_client_id.is_some();
    let mut links = Vec::new();
    if oauth {
        links.push(("startMutation", START_MUTATION.to_owned()));
    }
    if allowed.personal_access_token {
        links.push(("personalAccessTokenUrl", format!("{}/_usersSettings/tokens", m.organization_url)));
    }
    let hint = match (oauth, allowed.personal_access_token) {
        (true, true) => {
            "connect your Azure DevOps account: call startAzureDevOpsAuthorization(input: { integrationId }) \
             (extensions.startMutation) and open its authorizationUrl, or create a personal access token at \
             extensions.personalAccessTokenUrl and call setPersonalAccessToken"
        }
        (true, false) => {
            "connect your Azure DevOps account: call startAzureDevOpsAuthorization(input: { integrationId }) \
             (extensions.startMutation) and open its authorizationUrl"
        }
        (false, true) => {
            "create a personal access token at extensions.personalAccessTokenUrl and call setPersonalAccessToken"
        }
        (false, false) => "this integration lets no user connect: an administrator sets its userAuthorizationMethods",
    };
    ApiError::ConnectAzureDevOps { message, hint: hint.to_owned(), links }
}
