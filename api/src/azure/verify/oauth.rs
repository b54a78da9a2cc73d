//! Verification steps for an Entra ID OAuth app, and the anonymous organization check.
//!
//! OAUTH_APP_VALID: the tenant's discovery document, then a client-credentials token for the
//! Azure DevOps resource. Entra's AADSTS codes name the cause (docs/azure-devops-wire.md §5.3).

use oauth2::basic::{BasicClient, BasicErrorResponse, BasicErrorResponseType};
use oauth2::{AuthType, ClientId, ClientSecret, RequestTokenError, Scope, TokenUrl};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::describe::{blocked_message, describe};
use crate::azure::client::{AzureClient, Call, Credential, RawResponse, api_url};
use crate::azure::entra_errors::{EntraErrorClass, classify};
use crate::azure::error::AzureError;
use crate::azure::verification::{CheckName, VerificationCheck, VerificationCode};
use crate::azure::wire::{ConnectionData, EntraError, OpenIdConfiguration, aadsts_code};

/// Scope of a client-credentials token for Azure DevOps (its Entra resource id + `/.default`).
pub const AZURE_DEVOPS_DEFAULT_SCOPE: &str = "499b84ac-1321-427f-aa17-267ca6975798/.default";

/// AADSTS codes vcslink recognises.
const AADSTS_INVALID_SECRET: i64 = 7000215;
const AADSTS_EXPIRED_SECRET: i64 = 7000222;
const AADSTS_UNKNOWN_CLIENT: i64 = 700016;
const AADSTS_TENANT_NOT_FOUND: i64 = 90002;

/// An Entra ID app registration as stored with an integration (secret decrypted by the caller).
#[derive(Clone, Debug)]
pub struct OAuthAppCredentials {
    /// `{authority}/{tenant}/v2.0/.well-known/openid-configuration`.
    pub discovery_url: Url,
    /// `{authority}/{tenant}/oauth2/v2.0/token`.
    pub token_url: Url,
    pub client_id: String,
    pub client_secret: SecretString,
    /// The tenant as configured (a GUID or a domain), compared with the organization's.
    pub tenant_id: String,
}

/// A check plus the `Retry-After` seconds, when throttling was the reason.
pub(super) struct OAuthCheck {
    pub check: VerificationCheck,
    pub retry_after_secs: Option<u64>,
    /// The tenant GUID of the discovery document's `issuer`, when it was read.
    pub issuer_tenant: Option<String>,
}

fn check(ok: bool, code: Option<VerificationCode>, message: impl Into<String>) -> OAuthCheck {
    let check = VerificationCheck { name: CheckName::OauthAppValid, ok, code, message: message.into() };
    OAuthCheck { check, retry_after_secs: None, issuer_tenant: None }
}

/// A failed call to Entra ID (transport, guard, throttling or an unexpected status).
fn failed_call(error: &AzureError) -> OAuthCheck {
    use VerificationCode as C;
    let (code, message) = match error {
        AzureError::RateLimited { retry_after } => {
            let mut result = check(
                false,
                Some(C::UpstreamRateLimited),
                match retry_after {
                    Some(after) => {
                        format!("Microsoft Entra ID is throttling requests; retry after {} seconds.", after.as_secs())
                    }
                    None => "Microsoft Entra ID is throttling requests; retry later.".to_owned(),
                },
            );
            result.retry_after_secs = retry_after.map(|d| d.as_secs());
            return result;
        }
        AzureError::Blocked { reason } => (C::UpstreamUnreachable, blocked_message(reason)),
        AzureError::UnknownHost { host } => {
            (C::UpstreamUnreachable, format!("The Entra ID host {host} does not resolve."))
        }
        AzureError::Unreachable { reason } => {
            (C::UpstreamUnreachable, format!("Microsoft Entra ID could not be reached: {reason}."))
        }
        other => (C::UpstreamUnreachable, format!("Microsoft Entra ID answered unexpectedly: {other}.")),
    };
    check(false, Some(code), message)
}

/// OAUTH_APP_VALID: discovery, then a client-credentials token.
pub(super) async fn check_oauth_app(client: &AzureClient, app: &OAuthAppCredentials) -> OAuthCheck {
    let discovery = match client.send(Call::get(app.discovery_url.clone(), &Credential::None)).await {
        Ok(raw) => raw,
        Err(error) => return failed_call(&error),
    };
    if let Some(failure) = discovery_failure(&discovery) {
        return failure;
    }
    let issuer_tenant = discovery
        .json::<OpenIdConfiguration>()
        .ok()
        .and_then(|d| d.issuer)
        .and_then(|i| crate::azure::id_token::issuer_tenant(&i));
    let oauth = BasicClient::new(ClientId::new(app.client_id.clone()))
        .set_client_secret(ClientSecret::new(app.client_secret.expose_secret().to_owned()))
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(TokenUrl::from_url(app.token_url.clone()));
    let http = client.oauth_http();
    let answer = oauth
        .exchange_client_credentials()
        .add_scope(Scope::new(AZURE_DEVOPS_DEFAULT_SCOPE.to_owned()))
        .request_async(&http)
        .await;
    let mut result = match answer {
        Ok(_) => check(true, None, "Microsoft Entra ID issued the OAuth app a token for Azure DevOps."),
        Err(RequestTokenError::ServerResponse(e)) => token_error(&e),
        Err(RequestTokenError::Request(error)) => failed_call(&error),
        Err(RequestTokenError::Parse(_, body)) => match serde_json::from_slice::<EntraError>(&body) {
            Ok(e) if e.error.is_some() => entra_error(e.error.as_deref().unwrap_or(""), &e),
            _ => check(
                false,
                Some(VerificationCode::UpstreamUnreachable),
                "The token endpoint did not answer like Microsoft Entra ID.",
            ),
        },
        Err(RequestTokenError::Other(_)) => check(
            false,
            Some(VerificationCode::UpstreamUnreachable),
            "The token endpoint answered with an empty or unexpected response.",
        ),
    };
    result.issuer_tenant = issuer_tenant;
    result
}

/// A discovery answer other than a JSON OpenID configuration, as a failed check.
fn discovery_failure(raw: &RawResponse) -> Option<OAuthCheck> {
    if raw.status.is_success() {
        return match raw.json::<OpenIdConfiguration>() {
            Ok(doc) if doc.token_endpoint.is_some() => None,
            _ => Some(check(
                false,
                Some(VerificationCode::OauthTenantNotFound),
                "The discovery URL does not serve an OpenID configuration.",
            )),
        };
    }
    if raw.status == StatusCode::BAD_REQUEST || raw.status == StatusCode::NOT_FOUND {
        let e: EntraError = serde_json::from_slice(&raw.body).unwrap_or_default();
        let detail = first_sentence(e.error_description.as_deref());
        let message = match e.aadsts_code() {
            Some(AADSTS_TENANT_NOT_FOUND) => {
                format!("Microsoft Entra ID does not know the tenant{detail}")
            }
            _ => format!("The tenant's OpenID configuration was not found{detail}"),
        };
        return Some(check(false, Some(VerificationCode::OauthTenantNotFound), message));
    }
    let error = raw
        .error_for_status()
        .err()
        .unwrap_or(AzureError::Upstream { status: raw.status.as_u16(), message: "unexpected answer".into() });
    Some(failed_call(&error))
}

/// oauth2's parsed error: the AADSTS code is the first token of `error_description`.
fn token_error(e: &BasicErrorResponse) -> OAuthCheck {
    let error = match e.error() {
        BasicErrorResponseType::InvalidClient => "invalid_client".to_owned(),
        BasicErrorResponseType::UnauthorizedClient => "unauthorized_client".to_owned(),
        BasicErrorResponseType::Extension(other) => other.clone(),
        other => other.to_string(),
    };
    let entra = EntraError {
        error: Some(error.clone()),
        error_description: e.error_description().cloned(),
        ..EntraError::default()
    };
    entra_error(&error, &entra)
}

/// Maps an Entra token error onto a verification code: its class first (entra_errors.rs), then
/// the AADSTS number for the setup faults vcslink names.
fn entra_error(error: &str, e: &EntraError) -> OAuthCheck {
    use VerificationCode as C;
    let detail = first_sentence(e.error_description.as_deref());
    let code = e.aadsts_code().or_else(|| e.error_description.as_deref().and_then(aadsts_code));
    match classify(error, code) {
        EntraErrorClass::BlockedByPolicy => {
            let message = "A Conditional Access or cross-tenant access policy blocks the OAuth app".to_owned();
            return check(false, Some(C::ConditionalAccessBlocked), format!("{message}{detail}"));
        }
        EntraErrorClass::Transient => {
            let message = "Microsoft Entra ID is temporarily unavailable".to_owned();
            return check(false, Some(C::UpstreamUnreachable), format!("{message}{detail}"));
        }
        EntraErrorClass::NewSignIn | EntraErrorClass::Setup => {}
    }
    let (code, message) = match code {
        Some(AADSTS_INVALID_SECRET) => (C::OauthInvalidClient, "The OAuth app's client secret is wrong".to_owned()),
        Some(AADSTS_EXPIRED_SECRET) => (C::OauthInvalidClient, "The OAuth app's client secret has expired".to_owned()),
        Some(AADSTS_UNKNOWN_CLIENT) => {
            (C::OauthInvalidClient, "No app with this client ID exists in the tenant".to_owned())
        }
        Some(AADSTS_TENANT_NOT_FOUND) => {
            (C::OauthTenantNotFound, "Microsoft Entra ID does not know the tenant".to_owned())
        }
        _ => (C::OauthInvalidClient, format!("Microsoft Entra ID refused the OAuth app ({error})")),
    };
    check(false, Some(code), format!("{message}{detail}"))
}

/// ": AADSTS7000215: Invalid client secret provided." from a long description, or ".".
fn first_sentence(description: Option<&str>) -> String {
    let Some(text) = description.map(str::trim).filter(|t| !t.is_empty()) else {
        return ".".to_owned();
    };
    let line = text.lines().next().unwrap_or(text);
    let sentence = match line.find(". ") {
        Some(end) => &line[..=end],
        None => line,
    };
    let sentence: String = sentence.chars().take(300).collect();
    let sentence = sentence.trim_end_matches('.');
    format!(" ({sentence}).")
}

/// ORGANIZATION_REACHABLE without a credential (OAuth-only integrations): any 200 from
/// Azure DevOps, a 203 sign-in page or a 401/403 challenge means the organization exists.
pub(super) async fn check_reachable_anonymously(client: &AzureClient, org_url: &Url) -> VerificationCheck {
    let name = CheckName::OrganizationReachable;
    let pass = |message: &str| VerificationCheck { name, ok: true, code: None, message: message.to_owned() };
    let fail =
        |code: VerificationCode, message: String| VerificationCheck { name, ok: false, code: Some(code), message };
    // connectionData is preview-only: a released version would be refused with a 400.
    let version = crate::azure::versions::Negotiated::LATEST.connection_data().to_string();
    let raw = match api_url(org_url, "_apis/connectionData", &[("api-version", &version)]) {
        Ok(url) => client.send(Call::get(url, &Credential::None)).await,
        Err(error) => Err(error),
    };
    let raw = match raw {
        Ok(raw) => raw,
        Err(error) => {
            let (code, message) = describe(&error, org_url);
            return fail(code, message);
        }
    };
    match raw.error_for_status() {
        Ok(()) => match raw.json::<ConnectionData>() {
            Ok(_) => pass("The organization answered."),
            Err(error) => {
                let (code, message) = describe(&error, org_url);
                fail(code, message)
            }
        },
        Err(AzureError::Unauthorized { .. } | AzureError::Forbidden { .. } | AzureError::VersionOutOfRange { .. }) => {
            pass("The organization answered.")
        }
        Err(error) => {
            let (code, message) = describe(&error, org_url);
            fail(code, message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapped(error: &str, description: &str) -> VerificationCheck {
        let e = EntraError {
            error: Some(error.to_owned()),
            error_description: Some(description.to_owned()),
            ..EntraError::default()
        };
        entra_error(error, &e).check
    }

    #[test]
    fn token_errors_map_through_their_class_to_a_verification_code() {
        let blocked = mapped("invalid_grant", "AADSTS53003: Access has been blocked by Conditional Access policies.");
        assert_eq!(blocked.code, Some(VerificationCode::ConditionalAccessBlocked), "{blocked:?}");
        let cross_tenant = mapped("access_denied", "AADSTS500213: Blocked by a cross-tenant access policy.");
        assert_eq!(cross_tenant.code, Some(VerificationCode::ConditionalAccessBlocked));
        let busy = mapped("invalid_request", "AADSTS50033: A transient error has occurred.");
        assert_eq!(busy.code, Some(VerificationCode::UpstreamUnreachable));
        let secret = mapped("invalid_client", "AADSTS7000215: Invalid client secret provided.");
        assert_eq!(secret.code, Some(VerificationCode::OauthInvalidClient));
        let common =
            mapped("invalid_request", "AADSTS50194: Application is not configured as a multi-tenant application.");
        assert_eq!(common.code, Some(VerificationCode::OauthInvalidClient));
    }
}
