//! Entra ID v2 for users: the authorize URL (code + S256 PKCE), the code exchange and the refresh
//! grant, through oauth2 over our guarded HTTP client (docs/azure-devops-wire.md §5).

use std::time::Duration;

use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, ExtraTokenFields,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use url::Url;

use super::app_token::ClientProof;
use super::client::AzureClient;
pub use super::entra_errors::{EntraErrorClass, EntraFailure};
use super::error::AzureError;
use super::wire::EntraError;

/// An Entra app as a user flow needs it (client secret decrypted by the caller).
#[derive(Clone, Debug)]
pub struct EntraApp {
    pub authorization_url: Url,
    pub token_url: Url,
    pub client_id: String,
    pub client_secret: SecretString,
    pub scopes: Vec<String>,
    pub redirect_uri: String,
    /// `{issuer}/.well-known/openid-configuration`: where the ID token's issuer and keys are read.
    pub discovery_url: Url,
}

/// The OpenID Connect part of Entra's token answer.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

type EntraTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;

/// oauth2's basic client, with the token answer's `id_token` kept.
type EntraClient<HasAuthUrl = EndpointNotSet, HasTokenUrl = EndpointNotSet> = oauth2::Client<
    BasicErrorResponse,
    EntraTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    HasAuthUrl,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    HasTokenUrl,
>;

/// Where to send the user, and the PKCE verifier to keep (sealed) until the callback.
pub struct AuthorizeRequest {
    pub url: Url,
    pub verifier: SecretString,
}

/// Tokens from a code or refresh grant. `Debug` redacts the tokens.
#[derive(Debug)]
pub struct UserTokens {
    pub access_token: SecretString,
    /// Absent when the grant carried no `offline_access`.
    pub refresh_token: Option<SecretString>,
    pub expires_in: Duration,
    /// As granted (Entra echoes them); empty when the answer named none.
    pub scopes: Vec<String>,
    /// The OpenID Connect ID token, when `openid` was asked (to be checked, see `id_token.rs`).
    pub id_token: Option<SecretString>,
}

/// A failed grant. Descriptions come from Entra's `error_description` (first line), never a token.
#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    /// Entra answered with an OAuth error; its class says whether the user must sign in again.
    #[error("microsoft entra id refused the grant ({}): {}", .0.label(), .0.description)]
    Refused(EntraFailure),
    /// Transport, guard, throttling or an answer that is not an OAuth answer.
    #[error("microsoft entra id could not be used: {0}")]
    Call(AzureError),
}

/// Entra access tokens without `expires_in` are treated as lasting this long.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);
/// The longest lifetime taken as given (Entra's access tokens last 1 to 28 hours); a larger,
/// hostile `expires_in` is read as this, so no expiry computed from it overflows.
pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

fn url_err(e: impl std::fmt::Display) -> AzureError {
    AzureError::InvalidUrl { reason: e.to_string() }
}

/// The sign-in URL for `state`: code flow with a fresh S256 PKCE challenge, `openid` (added when the app's scopes lack it: the
/// ID token says which account signed in) with `nonce`, `prompt=select_account` (the user sees which account is being
/// connected, even when already signed in), and `login_hint` when the platform knows it.
pub fn authorize_url(
    app: &EntraApp,
    state: &str,
    nonce: &str,
    login_hint: Option<&str>,
) -> Result<AuthorizeRequest, AzureError> {
    let client = EntraClient::new(ClientId::new(app.client_id.clone()))
        .set_auth_uri(AuthUrl::from_url(app.authorization_url.clone()))
        .set_redirect_uri(RedirectUrl::new(app.redirect_uri.clone()).map_err(url_err)?);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let state = state.to_owned();
    let mut request = client
        .authorize_url(move || CsrfToken::new(state))
        .add_scopes(app.scopes.iter().cloned().map(Scope::new))
        .add_scopes((!app.scopes.iter().any(|s| s == "openid")).then(|| Scope::new("openid".to_owned())))
        .add_extra_param("response_mode", "query")
        .add_extra_param("nonce", nonce.to_owned())
        .add_extra_param("prompt", "select_account")
        .set_pkce_challenge(challenge);
    if let Some(hint) = login_hint {
        request = request.add_extra_param("login_hint", hint.to_owned());
    }
    let (url, _) = request.url();
    Ok(AuthorizeRequest { url, verifier: SecretString::from(verifier.secret().as_str()) })
}

/// Exchanges an authorization code (with the client secret and the PKCE verifier).
pub async fn exchange_code(
    client: &AzureClient,
    app: &EntraApp,
    code: &str,
    verifier: &SecretString,
) -> Result<UserTokens, GrantError> {
    let oauth = EntraClient::new(ClientId::new(app.client_id.clone()))
        .set_client_secret(ClientSecret::new(app.client_secret.expose_secret().to_owned()))
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(TokenUrl::from_url(app.token_url.clone()))
        .set_redirect_uri(RedirectUrl::new(app.redirect_uri.clone()).map_err(|e| GrantError::Call(url_err(e)))?);
    let http = client.oauth_http();
    let answer = oauth
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.expose_secret().to_owned()))
        .request_async(&http)
        .await;
    answer.map(tokens).map_err(grant_error)
}

/// Redeems a refresh token; Entra answers with a replacement refresh token.
pub async fn refresh(
    client: &AzureClient,
    app: &EntraApp,
    refresh_token: &SecretString,
) -> Result<UserTokens, GrantError> {
    let oauth = EntraClient::new(ClientId::new(app.client_id.clone()))
        .set_client_secret(ClientSecret::new(app.client_secret.expose_secret().to_owned()))
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(TokenUrl::from_url(app.token_url.clone()));
    let http = client.oauth_http();
    let rt = RefreshToken::new(refresh_token.expose_secret().to_owned());
    let answer = oauth
        .exchange_refresh_token(&rt)
        .add_scopes(app.scopes.iter().cloned().map(Scope::new))
        .request_async(&http)
        .await;
    answer.map(tokens).map_err(grant_error)
}

/// The client credentials grant of an app identity for Azure DevOps (`{resource}/.default`, no
/// refresh token: ask again before expiry; docs/azure-devops-wire.md §6.2).
pub async fn client_credentials(
    client: &AzureClient,
    token_url: &Url,
    client_id: &str,
    proof: &ClientProof,
) -> Result<UserTokens, GrantError> {
    let mut oauth = EntraClient::new(ClientId::new(client_id.to_owned()))
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(TokenUrl::from_url(token_url.clone()));
    let mut assertion = None;
    match proof {
        ClientProof::Secret(secret) => {
            oauth = oauth.set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()));
        }
        ClientProof::ManagedIdentity => {
            return Err(GrantError::Call(AzureError::InvalidResponse {
                reason: "a managed identity gets its token from the host, not the token endpoint".into(),
            }));
        }
        ClientProof::Federated { who, keyring } => {
            let signed = crate::oidc::assertion::sign(keyring, who).map_err(|reason| {
                GrantError::Call(AzureError::InvalidResponse {
                    reason: format!("the federated assertion could not be signed: {reason}"),
                })
            })?;
            assertion = Some(signed);
        }
        ClientProof::Assertion(token) => assertion = Some(token.expose_secret().to_owned()),
        ClientProof::Certificate { private_key_pem, thumbprint } => {
            let signed =
                super::client_assertion::sign(private_key_pem, thumbprint, client_id, token_url).map_err(|reason| {
                    GrantError::Call(AzureError::InvalidResponse {
                        reason: format!("the client assertion could not be signed: {reason}"),
                    })
                })?;
            assertion = Some(signed);
        }
    }
    let http = client.oauth_http();
    let mut request = oauth
        .exchange_client_credentials()
        .add_scope(Scope::new(format!("{}/.default", crate::domain::oauth_app::ADO_RESOURCE_ID)));
    if let Some(assertion) = assertion {
        request = request
            .add_extra_param("client_assertion_type", super::client_assertion::ASSERTION_TYPE)
            .add_extra_param("client_assertion", assertion);
    }
    let answer = request.request_async(&http).await;
    answer.map(tokens).map_err(grant_error)
}

fn tokens(r: EntraTokenResponse) -> UserTokens {
    UserTokens {
        access_token: SecretString::from(r.access_token().secret().as_str()),
        refresh_token: r.refresh_token().map(|t| SecretString::from(t.secret().as_str())),
        expires_in: r.expires_in().unwrap_or(DEFAULT_LIFETIME).min(MAX_LIFETIME),
        scopes: r.scopes().map(|s| s.iter().map(|x| x.to_string()).collect()).unwrap_or_default(),
        id_token: r.extra_fields().id_token.as_deref().map(SecretString::from),
    }
}

fn grant_error(e: RequestTokenError<AzureError, BasicErrorResponse>) -> GrantError {
    match e {
        RequestTokenError::ServerResponse(e) => {
            let error = match e.error() {
                BasicErrorResponseType::Extension(other) => other.clone(),
                other => other.to_string(),
            };
            GrantError::Refused(EntraFailure::new(&error, e.error_description().map(String::as_str), None))
        }
        RequestTokenError::Request(error) => GrantError::Call(error),
        RequestTokenError::Parse(_, body) => match serde_json::from_slice::<EntraError>(&body) {
            Ok(e) if e.error.is_some() => GrantError::Refused(EntraFailure::new(
                e.error.as_deref().unwrap_or(""),
                e.error_description.as_deref(),
                e.error_codes.first().copied(),
            )),
            _ => not_oauth(),
        },
        RequestTokenError::Other(_) => not_oauth(),
    }
}

fn not_oauth() -> GrantError {
    GrantError::Call(AzureError::InvalidResponse {
        reason: "the token endpoint did not answer like Microsoft Entra ID".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_expires_in_is_capped() {
        let body = r#"{"access_token":"a","token_type":"Bearer","expires_in":18446744073709551615}"#;
        let parsed: EntraTokenResponse = serde_json::from_str(body).expect("a token response");
        let t = tokens(parsed);
        assert_eq!(t.expires_in, MAX_LIFETIME);
        let lifetime = chrono::Duration::from_std(t.expires_in).expect("in range");
        assert!(chrono::Utc::now().checked_add_signed(lifetime).is_some());
    }

    #[test]
    fn the_authorize_url_carries_pkce_state_nonce_and_scopes_with_openid() {
        let app = EntraApp {
            authorization_url: Url::parse("https://login.example/t/oauth2/v2.0/authorize").unwrap(),
            token_url: Url::parse("https://login.example/t/oauth2/v2.0/token").unwrap(),
            client_id: "c".into(),
            client_secret: SecretString::from("s"),
            scopes: vec!["a/vso.code".into(), "offline_access".into()],
            redirect_uri: "https://vcs.example/oauth/azure-devops/callback".into(),
            discovery_url: Url::parse("https://login.example/t/v2.0/.well-known/openid-configuration").unwrap(),
        };
        let r = authorize_url(&app, "st4te", "n0nce", Some("dana@contoso.com")).unwrap();
        let q: std::collections::HashMap<_, _> = r.url.query_pairs().into_owned().collect();
        assert_eq!(q["state"], "st4te");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["scope"], "a/vso.code offline_access openid");
        assert_eq!(q["nonce"], "n0nce");
        assert_eq!(q["prompt"], "select_account");
        assert_eq!(q["login_hint"], "dana@contoso.com");
        assert!(!r.url.as_str().contains(r.verifier.expose_secret()));
    }
}
