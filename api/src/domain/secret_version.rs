//! Secret versions: what a write of a write-only secret does, given the version the client sends
//! with it (a Terraform provider's `_wo_version`) and the version stored.
//!
//! Every stored secret counts its changes: the first value is version 1, and a write without a
//! version makes the next one. A write with a version is compared with what is stored:
//! - a higher version (or nothing stored yet) writes the secret under that version;
//! - the stored version with the stored value is a no-op: the secret, its `setAt` and its version stay;
//! - the stored version with another value, or a lower version, is refused (`CONFLICT`): the
//!   client changed the secret without bumping its version.

use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use super::InvalidInput;

/// The input field of a secret's version where the input sets one secret (`rotateWebhookPassword`,
/// automations, `oauthApp`, `appIdentity`).
pub const FIELD: &str = "secretVersion";

/// The versions an integration input sends with the secrets it sets; `None`: the next version.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SecretVersions {
    /// `personalAccessTokenVersion`.
    pub pat: Option<i32>,
    /// `oauthApp.secretVersion`: the OAuth app's client secret.
    pub oauth_client_secret: Option<i32>,
    /// `appIdentity.secretVersion`: the app identity's client secret or certificate.
    pub app_secret: Option<i32>,
    /// `webhookPasswordVersion`.
    pub webhook_password: Option<i32>,
}

/// Whether two secrets are the same value, in constant time (only the length may leak).
pub fn same(a: &SecretString, b: &SecretString) -> bool {
    a.expose_secret().as_bytes().ct_eq(b.expose_secret().as_bytes()).into()
}

/// What a write does to the stored secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The stored secret already is this one: nothing changes.
    Keep,
    /// Store the new value under this version.
    Write(i32),
}

/// Why a versioned write is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a version at all (below 1).
    Invalid(InvalidInput),
    /// Another value under a version already used (`CONFLICT`).
    Conflict { field: String, message: String, hint: String },
}

/// Decides a write of the secret behind `field` (`personalAccessTokenVersion`, `oauthApp.secretVersion`, …).
/// `stored` is the stored secret's version (`None` when none is stored); `same_value` tells whether
/// the new value is the stored one, and is only asked when the versions are equal.
pub fn decide(
    field: &str,
    requested: Option<i32>,
    stored: Option<i32>,
    same_value: impl FnOnce() -> bool,
) -> Result<Decision, Refusal> {
    let Some(requested) = requested else {
        return Ok(Decision::Write(stored.map_or(1, |v| v.saturating_add(1))));
    };
    if requested < 1 {
        return Err(Refusal::Invalid(
            InvalidInput::new(field, "must be 1 or more").with_hint("start at 1 and bump it with every new value"),
        ));
    }
    match stored {
        None => Ok(Decision::Write(requested)),
        Some(stored) if requested > stored => Ok(Decision::Write(requested)),
        Some(stored) if requested == stored && same_value() => Ok(Decision::Keep),
        Some(stored) if requested == stored => Err(Refusal::Conflict {
            field: field.to_owned(),
            message: format!("{field} {stored} is stored with another value"),
            hint: format!("bump the version: send {field} {} or more with the new value", stored.saturating_add(1)),
        }),
        Some(stored) => Err(Refusal::Conflict {
            field: field.to_owned(),
            message: format!("{field} {requested} is below the stored version {stored}"),
            hint: format!("versions only grow: send {field} {} or more with the new value", stored.saturating_add(1)),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never() -> bool {
        panic!("the value is only compared at the stored version")
    }

    #[test]
    fn without_a_version_each_write_is_the_next_version() {
        assert_eq!(decide("f", None, None, never), Ok(Decision::Write(1)));
        assert_eq!(decide("f", None, Some(4), never), Ok(Decision::Write(5)));
        assert_eq!(decide("f", None, Some(i32::MAX), never), Ok(Decision::Write(i32::MAX)));
    }

    #[test]
    fn a_higher_version_writes_under_it() {
        assert_eq!(decide("f", Some(3), None, never), Ok(Decision::Write(3)));
        assert_eq!(decide("f", Some(7), Some(2), never), Ok(Decision::Write(7)));
    }

    #[test]
    fn the_stored_version_with_the_stored_value_is_a_no_op() {
        assert_eq!(decide("f", Some(2), Some(2), || true), Ok(Decision::Keep));
    }

    #[test]
    fn the_stored_version_with_another_value_asks_for_a_bump() {
        let Err(Refusal::Conflict { message, hint, .. }) = decide("f", Some(2), Some(2), || false) else {
            panic!("a conflict")
        };
        assert_eq!(message, "f 2 is stored with another value");
        assert!(hint.contains("bump the version") && hint.contains("f 3"), "{hint}");
    }

    #[test]
    fn a_lower_version_is_refused() {
        assert!(matches!(decide("f", Some(1), Some(2), never), Err(Refusal::Conflict { .. })));
    }

    #[test]
    fn zero_and_negative_versions_are_invalid() {
        assert!(matches!(decide("f", Some(0), None, never), Err(Refusal::Invalid(_))));
        assert!(matches!(decide("f", Some(-1), Some(1), never), Err(Refusal::Invalid(_))));
    }
}
