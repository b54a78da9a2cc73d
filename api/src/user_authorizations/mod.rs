//! Users' own Azure DevOps authorizations: starting the OAuth flow, finishing it at the callback,
//! keeping access tokens fresh (single flight), and the errors that send a user to reconnect.
//!
//! Plain-route and resolver code both call in here; it reaches `store/` and `azure/`, never GraphQL.

pub mod access;
pub mod callback;
pub mod connect;
pub mod pages;
pub mod start;

use entity::integration;

use crate::azure::entra::EntraApp;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::integrations as rows;

/// The integration's Entra app as the user flow needs it; `None` when it has none.
pub fn entra_app(state: &AppState, m: &integration::Model) -> Result<Option<EntraApp>, ApiError> {
    let (Some(auth), Some(token), Some(client_id)) =
        (m.oauth_authorization_url.as_deref(), m.oauth_token_url.as_deref(), m.oauth_client_id.clone())
    else {
        return Ok(None);
    };
    let Some(client_secret) = rows::open_client_secret(&state.keyring, m).map_err(ApiError::internal)? else {
        return Ok(None);
    };
    let parse = |s: &str| url::Url::parse(s).map_err(ApiError::internal);
    Ok(Some(EntraApp {
        authorization_url: parse(auth)?,
        token_url: parse(token)?,
        client_id,
        client_secret,
        scopes: rows::oauth_scopes(m),
        redirect_uri: state.oauth_redirect_uri(),
    }))
}

/// The error of a call that needs the caller's own Azure DevOps authorization, with the ways to
/// get one in `extensions` (`personalAccessTokenUrl`, and `authorizationUrl` when OAuth is set up).
pub fn needs_connection(m: &integration::Model, message: String, authorization_url: Option<String>) -> ApiError {
    let mut links = vec![("personalAccessTokenUrl", format!("{}/_usersSettings/tokens", m.organization_url))];
    let hint = match authorization_url {
        Some(url) => {
            links.push(("authorizationUrl", url));
            "open extensions.authorizationUrl to connect your Azure DevOps account (or call \
             startAzureDevOpsAuthorization), or create a personal access token at \
             extensions.personalAccessTokenUrl and call setPersonalAccessToken"
        }
        None => "create a personal access token at extensions.personalAccessTokenUrl and call setPersonalAccessToken",
    };
    ApiError::ConnectAzureDevOps { message, hint: hint.to_owned(), links }
}
