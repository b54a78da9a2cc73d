//! What an Entra ID token error means for the connection: a new sign-in, a policy block, a setup
//! fault of the app, or a transient failure. One pure function, used by verification, the code
//! redemption (callback) and the refresh path.
//!
//! It branches on the OAuth `error` value and uses the AADSTS number only to refine it, as
//! Microsoft asks ("Apps that take a dependency on text or error code numbers will be broken over
//! time": entra-docs `identity-platform/reference-error-codes.md`; classes from the token error
//! table of `v2-oauth2-auth-code-flow.md`).

use super::wire::aadsts_code;

/// What to do about a refused token request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntraErrorClass {
    /// The grant no longer works: the user must sign in again (`invalid_grant`,
    /// `interaction_required`, `consent_required`). Mark the connection EXPIRED; never retry.
    NewSignIn,
    /// Conditional Access or a cross-tenant access policy blocks the user (53003, 500212,
    /// 500213): a sign-in does not help until an administrator changes the policy.
    BlockedByPolicy,
    /// The app registration or its credential is wrong (`invalid_client`, `unauthorized_client`,
    /// `invalid_scope`, 50194, 50105, ...): an administrator fixes it.
    Setup,
    /// `temporarily_unavailable` (and the authorize endpoint's `server_error`), 50033, 50087, or an answer that is not an OAuth error (5xx, 429):
    /// retry later and keep the connection.
    Transient,
}

/// A refused token request as Entra described it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntraFailure {
    pub class: EntraErrorClass,
    /// The OAuth `error` value (`invalid_grant`, ...).
    pub error: String,
    /// The AADSTS number, from `error_codes` or the description's first token.
    pub aadsts: Option<i64>,
    /// The first line of `error_description` (no trace lines), at most 300 characters.
    pub description: String,
}

/// Conditional Access (`BlockedByConditionalAccess`) and cross-tenant access policies.
const POLICY_BLOCKS: &[i64] = &[53003, 500212, 500213];
/// App or assignment setup faults whatever `error` says: /common for a single-tenant app
/// (50194), user not assigned to the app (50105).
const SETUP_CODES: &[i64] = &[50194, 50105];
/// `RetryableError`, `SasRetryableError`.
const TRANSIENT_CODES: &[i64] = &[50033, 50087];

/// Classifies an Entra token error from its `error` value and AADSTS number.
pub fn classify(error: &str, aadsts: Option<i64>) -> EntraErrorClass {
    use EntraErrorClass as C;
    if error == "temporarily_unavailable" || error == "server_error" {
        return C::Transient;
    }
    if let Some(code) = aadsts {
        if POLICY_BLOCKS.contains(&code) {
            return C::BlockedByPolicy;
        }
        if SETUP_CODES.contains(&code) {
            return C::Setup;
        }
        if TRANSIENT_CODES.contains(&code) {
            return C::Transient;
        }
    }
    match error {
        "invalid_grant" | "interaction_required" | "consent_required" => C::NewSignIn,
        _ => C::Setup,
    }
}

impl EntraFailure {
    /// From the parts of an OAuth error answer (`error_codes[0]` when known, else the description's).
    pub fn new(error: &str, description: Option<&str>, first_code: Option<i64>) -> EntraFailure {
        let aadsts = first_code.or_else(|| description.and_then(|d| aadsts_code(d.trim())));
        EntraFailure {
            class: classify(error, aadsts),
            error: error.to_owned(),
            aadsts,
            description: first_line(description),
        }
    }

    /// Why a new sign-in is needed, in words, when the AADSTS number says more than `error`.
    pub fn sign_in_reason(&self) -> &'static str {
        match (self.aadsts, self.error.as_str()) {
            (Some(50076), _) => "multi-factor authentication is now required",
            (Some(50079), _) => "multi-factor authentication must be registered",
            (Some(65001), _) | (_, "consent_required") => "consent for the app is missing",
            (Some(70043), _) => "a Conditional Access sign-in frequency policy asks for a new sign-in",
            (Some(700082), _) => "the refresh token expired after 90 days without use",
            (Some(70008), _) => "the grant expired due to inactivity",
            (Some(50173), _) => "the grant was revoked (for example after a password change)",
            (Some(54005), _) => "the authorization code was already used",
            (_, "interaction_required") => "Microsoft Entra ID needs the user to sign in interactively",
            _ => "the grant is no longer valid",
        }
    }

    /// `AADSTS50076` or the `error` value, for messages.
    pub fn label(&self) -> String {
        match self.aadsts {
            Some(code) => format!("{}, AADSTS{code}", self.error),
            None => self.error.clone(),
        }
    }
}

/// "AADSTS54005: OAuth2 Authorization code was already redeemed..." without the trace lines.
pub fn first_line(text: Option<&str>) -> String {
    let line = text.unwrap_or("").trim().lines().next().unwrap_or("").trim();
    line.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::EntraErrorClass as C;
    use super::*;
    use crate::azure::wire::EntraError;

    /// An Entra token error as the service sends it (entra-docs `v2-oauth2-auth-code-flow.md`, error response).
    fn body(error: &str, code: i64, text: &str) -> String {
        serde_json::json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {text}\r\nTrace ID: 2b7c9e41-1d3a-4f5b-8c6d-7e8f9a0b1c00\r\nCorrelation ID: 5e4d3c2b-1a09-4876-b5a4-93c2d1e0f9a8\r\nTimestamp: 2025-03-04 13:20:11Z"),
            "error_codes": [code], "timestamp": "2025-03-04 13:20:11Z",
            "trace_id": "2b7c9e41-1d3a-4f5b-8c6d-7e8f9a0b1c00", "correlation_id": "5e4d3c2b-1a09-4876-b5a4-93c2d1e0f9a8",
            "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
        })
        .to_string()
    }

    fn failure(json: &str) -> EntraFailure {
        let e: EntraError = serde_json::from_str(json).unwrap();
        EntraFailure::new(
            e.error.as_deref().unwrap_or(""),
            e.error_description.as_deref(),
            e.error_codes.first().copied(),
        )
    }

    #[test]
    fn grants_that_no_longer_work_need_a_new_sign_in() {
        for (error, code) in [
            ("invalid_grant", 70008),
            ("invalid_grant", 700082),
            ("invalid_grant", 70043),
            ("invalid_grant", 50173),
            ("invalid_grant", 54005),
            ("interaction_required", 50076),
            ("interaction_required", 50079),
            ("consent_required", 65001),
        ] {
            let f = failure(&body(error, code, "The text does not matter."));
            assert_eq!(f.class, C::NewSignIn, "{error} {code}");
            assert_eq!(f.aadsts, Some(code));
            assert!(!f.description.contains("Trace ID"), "{}", f.description);
        }
    }

    #[test]
    fn the_error_value_decides_when_the_number_is_unknown() {
        assert_eq!(classify("interaction_required", Some(99999999)), C::NewSignIn);
        assert_eq!(classify("consent_required", None), C::NewSignIn);
        assert_eq!(classify("invalid_client", Some(7000215)), C::Setup);
        assert_eq!(classify("unauthorized_client", Some(700016)), C::Setup);
        assert_eq!(classify("invalid_scope", Some(70011)), C::Setup);
        assert_eq!(classify("invalid_resource", Some(500011)), C::Setup);
        assert_eq!(classify("something_new", None), C::Setup);
    }

    #[test]
    fn conditional_access_blocks_are_their_own_class_whatever_the_error_value() {
        for (error, code) in [("invalid_grant", 53003), ("interaction_required", 53003), ("invalid_grant", 500212)] {
            let f = failure(&body(error, code, "Access has been blocked by Conditional Access policies."));
            assert_eq!(f.class, C::BlockedByPolicy, "{error} {code}");
        }
        assert_eq!(classify("access_denied", Some(500213)), C::BlockedByPolicy);
    }

    #[test]
    fn transient_failures_keep_the_connection() {
        assert_eq!(failure(&body("temporarily_unavailable", 50196, "The server is busy.")).class, C::Transient);
        assert_eq!(classify("invalid_request", Some(50033)), C::Transient);
        assert_eq!(classify("invalid_grant", Some(50087)), C::Transient);
    }

    #[test]
    fn setup_numbers_refine_a_grant_error() {
        assert_eq!(classify("invalid_request", Some(50194)), C::Setup);
        assert_eq!(classify("invalid_grant", Some(50105)), C::Setup);
    }

    #[test]
    fn the_number_comes_from_the_description_when_error_codes_is_missing() {
        let f = EntraFailure::new("interaction_required", Some("AADSTS50076: Due to a configuration change..."), None);
        assert_eq!(f.aadsts, Some(50076));
        assert_eq!(f.sign_in_reason(), "multi-factor authentication is now required");
        assert_eq!(f.label(), "interaction_required, AADSTS50076");
    }
}
