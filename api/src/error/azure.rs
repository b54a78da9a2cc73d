//! THE table from a failed Azure DevOps call to the GraphQL error: reads, writes, service hooks and
//! a user's token check all go through [`from_azure`]. Only what the call was doing ([`Call`])
//! changes a row.
//!
//! - 401 (or the 203 sign-in page): the credential is refused, or (for a credential that still
//!   works elsewhere) it lacks the route's scope: `NOT_AUTHORIZED_UPSTREAM`, with what to do. A
//!   token a user offers is checked, not used: its refusal is `VALIDATION` on `token`.
//! - 403: Azure DevOps denies the *identity* a permission (an ACL such as TF401027; a missing
//!   scope is a 401, docs/azure-devops-wire.md §2.3): `FORBIDDEN`, for reads and writes alike.
//!   Connecting again does not help, an Azure DevOps administrator does. The one 403 that is a
//!   scope is a hook write outside the token's scopes (`No scope found`, §3.10).
//! - 404: the thing the call named is `NOT_FOUND`; while managing hooks it is the upstream's fault,
//!   and for what an input names (the project of a hook) a `VALIDATION` error on that field.
//! - 409 and 400 on a write: Git's conflict (the branch exists) and its refusal of the input.
//! - 429: `RATE_LIMITED` with Azure DevOps' `Retry-After`; anything else: `UPSTREAM_UNAVAILABLE`.

use crate::azure::AzureError;
use crate::azure::needed_scope::NeededScope;
use crate::domain::pat_scopes;
use crate::error::ApiError;

/// What the failed call was doing.
#[derive(Clone, Copy, Debug)]
pub enum Call<'a> {
    /// A read; `what` names the thing a 404 did not find.
    Read { what: &'static str },
    /// A change made as the caller (a branch, a pull request, a comment).
    Write { what: &'static str },
    /// Managing the integration's service hooks with its personal access token.
    Hooks,
    /// Looking up what an input names while managing hooks: a 404 is `VALIDATION` on `field`.
    HookInput { field: &'static str, message: &'static str },
    /// Checking a personal access token a user offers for `organization`.
    CheckToken { organization: &'a str },
}

/// Seconds to wait when Azure DevOps throttles without saying how long.
const DEFAULT_RETRY_SECONDS: u64 = 30;

/// The GraphQL error for `e`, raised by a call doing `call`.
pub fn from_azure(e: &AzureError, call: Call<'_>) -> ApiError {
    use AzureError as E;
    match (call, e) {
        (Call::CheckToken { .. }, E::Unauthorized { expired: true }) => ApiError::validation(
            "token",
            "Azure DevOps says this personal access token has expired",
            Some("create a new token on the Personal Access Tokens page (personalAccessTokenUrl)"),
        ),
        (Call::CheckToken { organization }, E::Unauthorized { .. } | E::Forbidden { .. } | E::InvalidCredential) => {
            ApiError::validation(
                "token",
                format!("Azure DevOps does not accept this personal access token for {organization}"),
                Some(
                    "check that the token is for this organization and not revoked; a global \"All accessible \
                     organizations\" token no longer works since 2026-12-01: create one for this organization \
                     (personalAccessTokenUrl)",
                ),
            )
        }
        // A write's 401 is a refused credential or, for a credential that still reads, a missing
        // write scope (§2.3); both are fixed by a new authorization.
        (Call::Write { what }, E::Unauthorized { .. }) => ApiError::NotAuthorizedUpstream {
            message: format!(
                "Azure DevOps refused your credential for this change: it is no longer valid, or it lacks the {} scope",
                pat_scopes::label(if what == "work item" { "vso.work_write" } else { "vso.code_write" })
            ),
            hint: Some(
                "connect again (startAzureDevOpsAuthorization) or set a personal access token with that scope \
                 (setPersonalAccessToken)"
                    .into(),
            ),
        },
        // Hook management does not re-check connectionData: say both things a 401 can mean.
        (Call::Hooks | Call::HookInput { .. }, E::Unauthorized { expired: false }) => ApiError::NotAuthorizedUpstream {
            message: "Azure DevOps refused the integration's personal access token while managing service hooks: \
                      it is no longer valid, or it lacks a scope these calls need"
                .into(),
            hint: Some(format!(
                "verify the integration (verifyAzureDevOpsIntegration) to tell which; a token needs {} and {}",
                NeededScope::Code.label(),
                NeededScope::WorkItems.label()
            )),
        },
        (_, E::Unauthorized { expired }) => ApiError::NotAuthorizedUpstream {
            message: if *expired {
                "the Azure DevOps credential has expired".into()
            } else {
                "Azure DevOps rejected the credential".into()
            },
            hint: Some(
                "replace the personal access token (updateAzureDevOpsIntegration) or reconnect your Azure DevOps account"
                    .into(),
            ),
        },
        (_, E::IisBasicAuth) => ApiError::NotAuthorizedUpstream {
            message: "IIS on the Azure DevOps Server refused the personal access token (Basic authentication is on)"
                .into(),
            hint: Some("an administrator must turn IIS Basic authentication off for the Azure DevOps site".into()),
        },
        (Call::Hooks | Call::HookInput { .. }, E::Forbidden { message })
            if message.trim().eq_ignore_ascii_case("No scope found") =>
        {
            missing_scope(NeededScope::ServiceHooks)
        }
        (_, E::Forbidden { message }) => {
            ApiError::Forbidden {
                message: format!("Azure DevOps denied the identity a permission: {message}"),
                hint: None,
            }
        }
        (Call::Read { what } | Call::Write { what }, E::NotFound { .. }) => ApiError::not_found(what),
        (Call::HookInput { field, message }, E::NotFound { .. }) => ApiError::validation(field, message, None),
        (Call::Write { .. }, E::Upstream { status: 409, message }) => {
            ApiError::Conflict { message: message.clone(), hint: None }
        }
        (Call::Write { .. }, E::Upstream { status: 400, message }) => {
            ApiError::validation("input", message.clone(), None)
        }
        (_, E::RateLimited { retry_after }) => ApiError::RateLimited {
            retry_after_seconds: retry_after.map_or(DEFAULT_RETRY_SECONDS, |d| d.as_secs().max(1)),
        },
        (_, E::Blocked { reason }) => {
            ApiError::UpstreamUnavailable { message: format!("the upstream address was refused: {reason}") }
        }
        (_, other) => ApiError::UpstreamUnavailable { message: format!("Azure DevOps is unavailable: {other}") },
    }
}

/// A 401 from a route while `connectionData` accepts the same credential: the token lacks `scope`.
pub fn missing_scope(scope: NeededScope) -> ApiError {
    ApiError::NotAuthorizedUpstream {
        message: format!("the Azure DevOps credential works but lacks the {} scope this needs", scope.label()),
        hint: Some(format!(
            "edit the personal access token (or create a new one) on the organization's token page \
             (personalAccessTokenUrl) to add {}, then set it (updateAzureDevOpsIntegration or setPersonalAccessToken)",
            scope.label()
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::error::code;

    const READ: Call<'static> = Call::Read { what: "repository" };
    const WRITE: Call<'static> = Call::Write { what: "pull request" };
    const HOOK_INPUT: Call<'static> = Call::HookInput { field: "project", message: "no such project" };
    const CHECK: Call<'static> = Call::CheckToken { organization: "contoso" };

    fn unauthorized() -> AzureError {
        AzureError::Unauthorized { expired: false }
    }
    fn expired() -> AzureError {
        AzureError::Unauthorized { expired: true }
    }
    fn forbidden(message: &str) -> AzureError {
        AzureError::Forbidden { message: message.into() }
    }
    fn not_found() -> AzureError {
        AzureError::NotFound { message: "TF401019".into() }
    }
    fn upstream(status: u16) -> AzureError {
        AzureError::Upstream { status, message: "TF402455: the ref exists".into() }
    }

    /// Every row: the call, what Azure DevOps answered, the code, and a word the message must hold.
    fn rows() -> Vec<(Call<'static>, AzureError, &'static str, &'static str)> {
        let acl = || forbidden("TF401027: You need the Git 'GenericContribute' permission");
        let slow = || AzureError::RateLimited { retry_after: Some(Duration::from_secs(7)) };
        let down = || AzureError::Unreachable { reason: "connection refused".into() };
        vec![
            (READ, unauthorized(), code::NOT_AUTHORIZED_UPSTREAM, "rejected"),
            (READ, expired(), code::NOT_AUTHORIZED_UPSTREAM, "expired"),
            (READ, AzureError::IisBasicAuth, code::NOT_AUTHORIZED_UPSTREAM, "IIS"),
            (READ, acl(), code::FORBIDDEN, "GenericContribute"),
            (READ, not_found(), code::NOT_FOUND, "repository"),
            (READ, upstream(409), code::UPSTREAM_UNAVAILABLE, "409"),
            (READ, slow(), code::RATE_LIMITED, "7"),
            (READ, down(), code::UPSTREAM_UNAVAILABLE, "refused"),
            (READ, AzureError::Blocked { reason: "private address".into() }, code::UPSTREAM_UNAVAILABLE, "private"),
            (WRITE, unauthorized(), code::NOT_AUTHORIZED_UPSTREAM, "Code (Read & write)"),
            (WRITE, acl(), code::FORBIDDEN, "GenericContribute"),
            (WRITE, not_found(), code::NOT_FOUND, "pull request"),
            (WRITE, upstream(409), code::CONFLICT, "TF402455"),
            (WRITE, upstream(400), code::VALIDATION, "TF402455"),
            (WRITE, upstream(500), code::UPSTREAM_UNAVAILABLE, "500"),
            (WRITE, slow(), code::RATE_LIMITED, "7"),
            (Call::Hooks, unauthorized(), code::NOT_AUTHORIZED_UPSTREAM, "service hooks"),
            (Call::Hooks, expired(), code::NOT_AUTHORIZED_UPSTREAM, "expired"),
            (Call::Hooks, forbidden("No scope found"), code::NOT_AUTHORIZED_UPSTREAM, "lacks"),
            (Call::Hooks, forbidden("VS403403: Access Denied"), code::FORBIDDEN, "VS403403"),
            (Call::Hooks, not_found(), code::UPSTREAM_UNAVAILABLE, "TF401019"),
            (HOOK_INPUT, not_found(), code::VALIDATION, "no such project"),
            (HOOK_INPUT, forbidden("No scope found"), code::NOT_AUTHORIZED_UPSTREAM, "lacks"),
            (CHECK, expired(), code::VALIDATION, "expired"),
            (CHECK, unauthorized(), code::VALIDATION, "contoso"),
            (CHECK, forbidden("denied"), code::VALIDATION, "contoso"),
            (CHECK, AzureError::InvalidCredential, code::VALIDATION, "contoso"),
            (CHECK, AzureError::IisBasicAuth, code::NOT_AUTHORIZED_UPSTREAM, "IIS"),
            (CHECK, slow(), code::RATE_LIMITED, "7"),
            (CHECK, down(), code::UPSTREAM_UNAVAILABLE, "refused"),
        ]
    }

    #[test]
    fn every_row_of_the_table() {
        for (call, e, want, word) in rows() {
            let got = async_graphql::Error::from(from_azure(&e, call));
            let ext = got.extensions.as_ref().and_then(|x| x.get("code")).map(|v| v.to_string());
            let text = format!("{} {:?}", got.message, got.extensions);
            assert_eq!(ext.as_deref(), Some(format!("\"{want}\"").as_str()), "{call:?} {e:?}: {text}");
            assert!(text.contains(word), "{call:?} {e:?}: {text:?} lacks {word:?}");
        }
    }

    #[test]
    fn a_throttle_without_retry_after_waits_the_default() {
        let ApiError::RateLimited { retry_after_seconds } =
            from_azure(&AzureError::RateLimited { retry_after: None }, READ)
        else {
            panic!("a 429 is RATE_LIMITED");
        };
        assert_eq!(retry_after_seconds, DEFAULT_RETRY_SECONDS);
    }

    #[test]
    fn a_missing_scope_names_the_scope_in_its_hint() {
        let ApiError::NotAuthorizedUpstream { hint: Some(hint), .. } = missing_scope(NeededScope::ProjectAndTeam)
        else {
            panic!("a missing scope is NOT_AUTHORIZED_UPSTREAM with a hint");
        };
        assert!(hint.contains("Project and Team"), "{hint}");
    }
}
