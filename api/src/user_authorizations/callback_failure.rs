//! Every way the OAuth callback can fail, the page each one shows, and the callback metric, in one
//! place. Each page says what went wrong and what to do; none holds a code, a token or a state.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::pages;
use crate::azure::entra::{EntraErrorClass, EntraFailure};
use crate::azure::id_token::IdTokenError;

const START_AGAIN: &str = "Start the connection again from the platform.";

/// Why a callback stored nothing.
#[derive(Debug)]
pub enum CallbackFailure {
    NoState,
    UnknownState,
    ExpiredState,
    /// The user declined at Entra ID.
    Declined,
    /// Entra ID refused the sign-in or the code exchange.
    Refused(EntraFailure),
    NoCode,
    IntegrationGone,
    NoOAuthApp,
    EntraUnreachable,
    /// The ID token failed a check: the answer may not come from this sign-in at Entra ID.
    IdTokenRefused(IdTokenError),
    /// The tenant's ID token signing keys could not be read.
    SigningKeysUnreachable,
    /// The new token does not open the organization.
    NotMember {
        organization: String,
    },
    AzureDevOpsUnreachable,
    /// A fault of ours; the cause is logged, never shown.
    Internal(String),
}

impl CallbackFailure {
    pub fn internal(cause: impl std::fmt::Display) -> CallbackFailure {
        CallbackFailure::Internal(cause.to_string())
    }

    /// The `outcome` label of `vcslink_oauth_callbacks_total`.
    fn outcome(&self) -> &'static str {
        match self {
            CallbackFailure::NoState | CallbackFailure::UnknownState | CallbackFailure::ExpiredState => "bad_state",
            CallbackFailure::Declined => "declined",
            CallbackFailure::Refused(_) => "refused",
            CallbackFailure::NoCode => "no_code",
            CallbackFailure::IntegrationGone | CallbackFailure::NoOAuthApp => "integration_changed",
            CallbackFailure::EntraUnreachable
            | CallbackFailure::SigningKeysUnreachable
            | CallbackFailure::AzureDevOpsUnreachable => "upstream_unavailable",
            CallbackFailure::IdTokenRefused(_) => "id_token_refused",
            CallbackFailure::NotMember { .. } => "not_member",
            CallbackFailure::Internal(_) => "internal",
        }
    }
}

impl From<sea_orm::DbErr> for CallbackFailure {
    fn from(e: sea_orm::DbErr) -> Self {
        CallbackFailure::Internal(format!("database: {}", crate::error::database::with_causes(&e)))
    }
}

impl IntoResponse for CallbackFailure {
    fn into_response(self) -> Response {
        crate::metrics::oauth_callback(self.outcome());
        let bad = StatusCode::BAD_REQUEST;
        match self {
            CallbackFailure::NoState => pages::failed(bad, "The link has no state parameter.", START_AGAIN),
            CallbackFailure::UnknownState => {
                pages::failed(bad, "This authorization link is unknown or was already used.", START_AGAIN)
            }
            CallbackFailure::ExpiredState => {
                pages::failed(bad, "This authorization link has expired (links last 10 minutes).", START_AGAIN)
            }
            CallbackFailure::Declined => {
                pages::failed(bad, "You declined the authorization at Microsoft Entra ID.", START_AGAIN)
            }
            CallbackFailure::Refused(f) => refused_page(&f),
            CallbackFailure::NoCode => {
                pages::failed(bad, "Microsoft Entra ID sent no authorization code.", START_AGAIN)
            }
            CallbackFailure::IntegrationGone => pages::failed(
                StatusCode::NOT_FOUND,
                "The Azure DevOps integration no longer exists.",
                "Ask an administrator which integration to use.",
            ),
            CallbackFailure::NoOAuthApp => pages::failed(
                StatusCode::CONFLICT,
                "The integration no longer has an Entra ID OAuth app.",
                "Ask an administrator, or connect with a personal access token.",
            ),
            CallbackFailure::EntraUnreachable => pages::failed(
                StatusCode::BAD_GATEWAY,
                "Microsoft Entra ID could not be reached.",
                "Try again in a few minutes.",
            ),
            CallbackFailure::IdTokenRefused(reason) => {
                tracing::warn!(%reason, "id_token refused; nothing stored");
                pages::failed(
                    bad,
                    "The sign-in could not be confirmed: Microsoft Entra ID's answer does not belong to this sign-in.",
                    START_AGAIN,
                )
            }
            CallbackFailure::SigningKeysUnreachable => pages::failed(
                StatusCode::BAD_GATEWAY,
                "Microsoft Entra ID's signing keys could not be read to confirm the sign-in.",
                "Try again in a few minutes.",
            ),
            CallbackFailure::NotMember { organization } => pages::failed(
                StatusCode::FORBIDDEN,
                &format!("Your Microsoft account cannot open the Azure DevOps organization {organization}."),
                "Sign in with an account that is a member of the organization, or ask its administrator to add you.",
            ),
            CallbackFailure::AzureDevOpsUnreachable => pages::failed(
                StatusCode::BAD_GATEWAY,
                "Azure DevOps could not be reached to confirm the connection.",
                START_AGAIN,
            ),
            CallbackFailure::Internal(cause) => {
                tracing::error!(%cause, "oauth callback failed");
                pages::failed(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The server could not finish the connection.",
                    START_AGAIN,
                )
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_has_its_status() {
        let cases = [
            (CallbackFailure::NoState, 400),
            (CallbackFailure::UnknownState, 400),
            (CallbackFailure::ExpiredState, 400),
            (CallbackFailure::Declined, 400),
            (CallbackFailure::NoCode, 400),
            (CallbackFailure::IntegrationGone, 404),
            (CallbackFailure::NoOAuthApp, 409),
            (CallbackFailure::EntraUnreachable, 502),
            (CallbackFailure::NotMember { organization: "contoso".into() }, 403),
            (CallbackFailure::AzureDevOpsUnreachable, 502),
            (CallbackFailure::internal("disk full"), 500),
        ];
        for (failure, status) in cases {
            let label = format!("{failure:?}");
            assert_eq!(failure.into_response().status().as_u16(), status, "{label}");
        }
    }
}
