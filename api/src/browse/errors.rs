//! THE table from a failed Azure DevOps call to the GraphQL error, for reads, writes and hooks.
//!
//! - 401 (or the 203 sign-in page): the credential is refused, or (when `connectionData` accepts
//!   it) the token lacks the route's scope: `NOT_AUTHORIZED_UPSTREAM`, with what to do.
//! - 403: Azure DevOps denies the *identity* a permission (an ACL such as TF401027; a missing
//!   scope is a 401, docs/azure-devops-wire.md §2.3): `FORBIDDEN`, for reads and writes alike. Connecting
//!   again or a new token does not help, an Azure DevOps administrator does, which is what
//!   `FORBIDDEN` says; `NOT_AUTHORIZED_UPSTREAM` means "connect (again)" (DESIGN.md, Errors).

use crate::azure::AzureError;
use crate::azure::verification::VerificationCode;
use crate::error::ApiError;

/// A PAT scope vcslink needs, by the name the Azure DevOps token page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeededScope {
    Code,
    ProjectAndTeam,
    WorkItems,
    ServiceHooks,
}

impl NeededScope {
    /// The scope a route under `{org}/...` needs, from its path segments.
    pub fn for_route(segments: &[&str]) -> NeededScope {
        let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
        let has = |s: &str| lower.iter().any(|x| x == s);
        if has("wit") {
            NeededScope::WorkItems
        } else if has("hooks") {
            NeededScope::ServiceHooks
        } else if has("git") {
            NeededScope::Code
        } else {
            NeededScope::ProjectAndTeam
        }
    }

    /// e.g. `Project and Team (Read) (vso.project)`.
    pub fn label(self) -> &'static str {
        match self {
            NeededScope::Code => "Code (Read & write) (vso.code_write)",
            NeededScope::ProjectAndTeam => "Project and Team (Read) (vso.project)",
            NeededScope::WorkItems => "Work Items (Read & write) (vso.work_write)",
            // Service hooks are managed through the Code and Work Items scopes (§3.10).
            NeededScope::ServiceHooks => {
                "Code (Read & write) and Work Items (Read & write), which manage Service Hooks"
            }
        }
    }
}

/// The GraphQL error for a failed read (404 is handled by callers: it means `null`).
pub fn to_api_error(e: &AzureError) -> ApiError {
    match e {
        AzureError::Unauthorized { expired } => ApiError::NotAuthorizedUpstream {
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
        AzureError::IisBasicAuth => ApiError::NotAuthorizedUpstream {
            message: "IIS on the Azure DevOps Server refused the personal access token (Basic authentication is on)"
                .into(),
            hint: Some("an administrator must turn IIS Basic authentication off for the Azure DevOps site".into()),
        },
        AzureError::Forbidden { message } => {
            ApiError::Forbidden { message: format!("Azure DevOps denied the identity a permission: {message}") }
        }
        AzureError::RateLimited { retry_after } => {
            ApiError::RateLimited { retry_after_seconds: retry_after.map_or(30, |d| d.as_secs().max(1)) }
        }
        AzureError::NotFound { .. } => ApiError::not_found("Azure DevOps resource"),
        AzureError::Blocked { reason } => {
            ApiError::UpstreamUnavailable { message: format!("the upstream address was refused: {reason}") }
        }
        other => ApiError::UpstreamUnavailable { message: format!("Azure DevOps is unavailable: {other}") },
    }
}

/// The GraphQL error for a failed service-hook call. Hook routes check the token's scopes per
/// event type and answer a write outside them `403 No scope found` (docs/azure-devops-wire.md §2.3,
/// §3.10): a scope, not a permission. A 404 while managing hooks is the upstream's fault.
pub fn to_hooks_error(e: &AzureError) -> ApiError {
    match e {
        AzureError::Forbidden { message } if message.trim().eq_ignore_ascii_case("No scope found") => {
            missing_scope(NeededScope::ServiceHooks)
        }
        AzureError::NotFound { .. } => ApiError::UpstreamUnavailable { message: e.to_string() },
        // Hook management does not re-check connectionData: say both things a 401 can mean.
        AzureError::Unauthorized { expired: false } => ApiError::NotAuthorizedUpstream {
            message: "Azure DevOps refused the integration's personal access token while managing service hooks: \
                      it is no longer valid, or it lacks a scope these calls need"
                .into(),
            hint: Some(format!(
                "verify the integration (verifyAzureDevOpsIntegration) to tell which; a token needs {} and {}",
                NeededScope::Code.label(),
                NeededScope::WorkItems.label()
            )),
        },
        other => to_api_error(other),
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

/// The verification code a rejected credential earns the integration (it is marked FAILING).
/// Only for a credential that `connectionData` refuses too (see `Scope::on_failure`).
pub fn failing_code(e: &AzureError) -> Option<VerificationCode> {
    match e {
        AzureError::Unauthorized { expired: true } => Some(VerificationCode::PatExpired),
        AzureError::Unauthorized { expired: false } | AzureError::IisBasicAuth => Some(VerificationCode::PatInvalid),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(e: &ApiError) -> &'static str {
        match e {
            ApiError::NotAuthorizedUpstream { .. } => "NOT_AUTHORIZED_UPSTREAM",
            ApiError::Forbidden { .. } => "FORBIDDEN",
            ApiError::RateLimited { .. } => "RATE_LIMITED",
            ApiError::UpstreamUnavailable { .. } => "UPSTREAM_UNAVAILABLE",
            _ => "OTHER",
        }
    }

    #[test]
    fn a_401_is_not_authorized_upstream_and_a_403_is_forbidden() {
        assert_eq!(code(&to_api_error(&AzureError::Unauthorized { expired: false })), "NOT_AUTHORIZED_UPSTREAM");
        assert_eq!(code(&to_api_error(&AzureError::IisBasicAuth)), "NOT_AUTHORIZED_UPSTREAM");
        let acl = AzureError::Forbidden { message: "TF401027: You need the Git 'GenericContribute' permission".into() };
        assert_eq!(code(&to_api_error(&acl)), "FORBIDDEN");
        assert_eq!(code(&to_api_error(&AzureError::RateLimited { retry_after: None })), "RATE_LIMITED");
    }

    #[test]
    fn a_missing_scope_names_the_scope_of_the_route() {
        assert_eq!(NeededScope::for_route(&["_apis", "projects"]), NeededScope::ProjectAndTeam);
        assert_eq!(NeededScope::for_route(&["Platform", "_apis", "git", "repositories"]), NeededScope::Code);
        assert_eq!(
            NeededScope::for_route(&["P", "_apis", "wit", "workItems", "1", "comments"]),
            NeededScope::WorkItems
        );
        assert_eq!(NeededScope::for_route(&["_apis", "hooks", "subscriptions"]), NeededScope::ServiceHooks);
        let ApiError::NotAuthorizedUpstream { hint: Some(hint), .. } = missing_scope(NeededScope::ProjectAndTeam)
        else {
            panic!("a missing scope is NOT_AUTHORIZED_UPSTREAM with a hint");
        };
        assert!(hint.contains("Project and Team"), "{hint}");
    }

    #[test]
    fn a_hook_write_outside_the_scopes_is_a_missing_scope_and_a_hook_acl_denial_is_forbidden() {
        let scope = to_hooks_error(&AzureError::Forbidden { message: "No scope found".into() });
        assert_eq!(code(&scope), "NOT_AUTHORIZED_UPSTREAM");
        let acl = to_hooks_error(&AzureError::Forbidden { message: "VS403403: Access Denied".into() });
        assert_eq!(code(&acl), "FORBIDDEN");
    }

    #[test]
    fn only_a_refused_credential_earns_a_failing_code() {
        assert_eq!(failing_code(&AzureError::Unauthorized { expired: true }), Some(VerificationCode::PatExpired));
        assert_eq!(failing_code(&AzureError::Forbidden { message: String::new() }), None);
    }
}
