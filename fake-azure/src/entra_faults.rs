//! Refusals a test can make Entra give users' grants (`authorization_code`, `refresh_token`), in the
//! exact token error shape (entra-docs `v2-oauth2-auth-code-flow.md`; texts after `reference-error-codes.md`).

use axum::http::StatusCode;

use crate::FakeAzure;

/// One token error that needs a new sign-in, a policy change or a retry, as Entra sends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntraFault {
    /// `interaction_required`, AADSTS50076: multi-factor authentication is now required.
    MfaRequired,
    /// `consent_required`, AADSTS65001: consent for the app is missing.
    ConsentRequired,
    /// `invalid_grant`, AADSTS70043: a Conditional Access sign-in frequency check.
    SignInFrequency,
    /// `invalid_grant`, AADSTS700082: the refresh token was idle for 90 days.
    RefreshTokenIdle,
    /// `invalid_grant`, AADSTS50173: the grant was revoked (password change or reset).
    GrantRevoked,
    /// AADSTS53003 `BlockedByConditionalAccess` (its `error` value is unconfirmed; `invalid_grant` here).
    ConditionalAccessBlocked,
    /// 503 `temporarily_unavailable`, AADSTS50033 `RetryableError`.
    TemporarilyUnavailable,
}

impl EntraFault {
    /// Status, `error`, AADSTS number and the first line of `error_description`.
    pub(crate) fn answer(self) -> (StatusCode, &'static str, u32, &'static str) {
        let bad = StatusCode::BAD_REQUEST;
        match self {
            EntraFault::MfaRequired => (
                bad,
                "interaction_required",
                50076,
                "AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '499b84ac-1321-427f-aa17-267ca6975798'.",
            ),
            EntraFault::ConsentRequired => (
                bad,
                "consent_required",
                65001,
                "AADSTS65001: The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.",
            ),
            EntraFault::SignInFrequency => (
                bad,
                "invalid_grant",
                70043,
                "AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency checks by Conditional Access. The token was issued on 2026-11-30T08:00:00.0000000Z and the maximum allowed lifetime for this request is 3600.",
            ),
            EntraFault::RefreshTokenIdle => (
                bad,
                "invalid_grant",
                700082,
                "AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2026-08-20T14:30:28.0990908Z and was inactive for 90.00:00:00.",
            ),
            EntraFault::GrantRevoked => (
                bad,
                "invalid_grant",
                50173,
                "AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
            ),
            EntraFault::ConditionalAccessBlocked => (
                bad,
                "invalid_grant",
                53003,
                "AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
            ),
            EntraFault::TemporarilyUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                50033,
                "AADSTS50033: A transient error has occurred. Please try again.",
            ),
        }
    }
}

impl FakeAzure {
    /// Every later user grant (code redemption or refresh) is refused with `fault`; `None` lifts it.
    /// Client credentials are not affected.
    pub fn set_user_grant_fault(&self, fault: Option<EntraFault>) {
        self.shared().lock().user_grant_fault = fault;
    }

    /// Makes `org` an organization backed by Microsoft accounts: its resource tenant is all
    /// zeros, and no Entra tenant's bearer token opens it.
    pub fn set_org_backed_by_microsoft_accounts(&self, org: &str) {
        self.set_org_tenant(org, crate::auth::MSA_TENANT);
    }
}
