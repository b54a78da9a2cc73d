//! `Verification` and `VerificationCheck`: what a verification found, step by step, with codes and hints.

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::Object;

use super::verification_enums::{CheckName, VerificationCode};
use crate::azure::verification as v;

/// The outcome of verifying an integration against Azure DevOps / Entra ID.
pub struct Verification(pub v::Verification);

/// The outcome of verifying an integration against Azure DevOps / Entra ID.
#[Object]
impl Verification {
    /// True when every required check passed.
    async fn ok(&self) -> bool {
        self.0.ok
    }

    /// When the verification ran.
    async fn checked_at(&self) -> Timestamp {
        self.0.checked_at.into()
    }

    /// `OK`, or the first failing check's code (`PAT_INVALID`, `ORGANIZATION_NOT_FOUND`, ...).
    async fn code(&self) -> Option<VerificationCode> {
        Some(self.0.code.into())
    }

    /// One sentence for a person.
    async fn message(&self) -> &str {
        &self.0.message
    }

    /// What to do about a failure; null when verification passed.
    async fn hint(&self) -> Option<&str> {
        self.0.hint.as_deref()
    }

    /// The Azure DevOps identity the credential belongs to, when known.
    async fn authenticated_as(&self) -> Option<&str> {
        self.0.authenticated_as.as_deref()
    }

    /// How many projects the credential sees, when known.
    async fn project_count(&self) -> Option<i32> {
        self.0.project_count
    }

    /// One entry per step: ORGANIZATION_REACHABLE, CREDENTIAL_VALID, PROJECTS_VISIBLE, CODE_WRITE,
    /// SERVICE_HOOKS_MANAGE, OAUTH_APP_VALID, ORGANIZATION_TENANT (the OAuth app lives in the organization's
    /// tenant; its ORGANIZATION_PAT_ONLY is a warning that does not fail the verification).
    async fn checks(&self) -> Vec<VerificationCheck> {
        self.0.checks.iter().cloned().map(VerificationCheck).collect()
    }
}

/// One step of a verification.
pub struct VerificationCheck(pub v::VerificationCheck);

/// One step of a verification.
#[Object]
impl VerificationCheck {
    /// ORGANIZATION_REACHABLE, CREDENTIAL_VALID, PROJECTS_VISIBLE, CODE_WRITE, SERVICE_HOOKS_MANAGE,
    /// OAUTH_APP_VALID or ORGANIZATION_TENANT.
    async fn name(&self) -> CheckName {
        self.0.name.into()
    }

    /// True when the step passed.
    async fn ok(&self) -> bool {
        self.0.ok
    }

    /// The failure's code; null when the step passed.
    async fn code(&self) -> Option<VerificationCode> {
        self.0.code.map(Into::into)
    }

    /// One sentence for a person: what the step found.
    async fn message(&self) -> &str {
        &self.0.message
    }
}
