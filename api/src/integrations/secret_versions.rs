//! The secret versions of a create or an update ([`crate::domain::secret_version`]): each secret
//! the input sets is written under its version, and one the input repeats (same version, same
//! value) is kept as stored, its `setAt` and version untouched.

use secrecy::SecretString;

use crate::crypto::Keyring;
use crate::domain::app_identity::{AppIdentity, Proof};
use crate::domain::integration::{IntegrationChanges, NewIntegration, Patch};
use crate::domain::secret_version::{Decision, decide, same};
use crate::error::ApiError;
use crate::store::integrations::{self as rows, Stamps};

pub const PAT_FIELD: &str = "personalAccessTokenVersion";
pub const OAUTH_FIELD: &str = "oauthApp.secretVersion";
pub const APP_FIELD: &str = "appIdentity.secretVersion";
pub const WEBHOOK_FIELD: &str = "webhookPasswordVersion";

/// A new integration's secrets: each under the version sent, else 1.
pub fn for_create(n: &NewIntegration) -> Result<Stamps, ApiError> {
    let first = |field: &str, requested: Option<i32>| -> Result<Option<i32>, ApiError> {
        match decide(field, requested, None, || false)? {
            Decision::Write(v) => Ok(Some(v)),
            Decision::Keep => Ok(None),
        }
    };
    Ok(Stamps {
        pat: first(PAT_FIELD, n.versions.pat)?,
        oauth_client_secret: first(OAUTH_FIELD, n.versions.oauth_client_secret)?,
        app_secret: first(APP_FIELD, n.versions.app_secret)?,
        webhook_password: first(WEBHOOK_FIELD, n.versions.webhook_password)?,
    })
}

/// An update's secrets, compared with `current`'s. A repeated PAT or webhook password drops out of
/// `changes` (nothing to write); a repeated client secret or certificate keeps its stamp while the
/// rest of its app is written.
pub fn for_update(
    keyring: &Keyring,
    current: &entity::integration::Model,
    changes: &mut IntegrationChanges,
) -> Result<Stamps, ApiError> {
    let v = changes.versions;
    let mut stamps = Stamps::default();
    if let Patch::Set(pat) = &changes.pat {
        let stored = current.pat_sealed.is_some().then_some(current.pat_version);
        match decide(PAT_FIELD, v.pat, stored, || is_stored(rows::open_pat(keyring, current), pat.secret()))? {
            Decision::Keep => changes.pat = Patch::Keep,
            Decision::Write(version) => stamps.pat = Some(version),
        }
    }
    if let Patch::Set(app) = &changes.oauth_app {
        let stored = current.oauth_client_secret_sealed.is_some().then_some(current.oauth_client_secret_version);
        let secret = SecretString::from(app.client_secret.as_str());
        let same_value = || is_stored(rows::open_client_secret(keyring, current), &secret);
        stamps.oauth_client_secret = written(decide(OAUTH_FIELD, v.oauth_client_secret, stored, same_value)?);
    }
    if let Patch::Set(identity) = &changes.app_identity
        && identity.proof.has_secret()
    {
        let stored = current.app_secret_sealed.is_some().then_some(current.app_secret_version);
        let same_value = || same_app_secret(keyring, current, identity);
        stamps.app_secret = written(decide(APP_FIELD, v.app_secret, stored, same_value)?);
    } else if let Patch::Set(_) = &changes.app_identity {
        // Nothing secret to version: the count stays for the next secret.
        stamps.app_secret = Some(current.app_secret_version);
    }
    if let Some(password) = &changes.webhook_password {
        let same_value = || is_stored(rows::open_webhook_password(keyring, current).map(Some), password.secret());
        match decide(WEBHOOK_FIELD, v.webhook_password, Some(current.webhook_password_version), same_value)? {
            Decision::Keep => changes.webhook_password = None,
            Decision::Write(version) => stamps.webhook_password = Some(version),
        }
    }
    Ok(stamps)
}

/// A rotation's new webhook password against `current`'s: `None` when it repeats the stored one.
pub fn for_rotation(
    keyring: &Keyring,
    current: &entity::integration::Model,
    requested: Option<i32>,
    password: &SecretString,
) -> Result<Option<i32>, ApiError> {
    let same_value = || is_stored(rows::open_webhook_password(keyring, current).map(Some), password);
    Ok(written(decide(
        crate::domain::secret_version::FIELD,
        requested,
        Some(current.webhook_password_version),
        same_value,
    )?))
}

fn written(d: Decision) -> Option<i32> {
    match d {
        Decision::Write(v) => Some(v),
        Decision::Keep => None,
    }
}

/// Whether the stored secret (opened) is `new`; a seal that does not open is not the same.
fn is_stored<E>(stored: Result<Option<SecretString>, E>, new: &SecretString) -> bool {
    matches!(stored, Ok(Some(s)) if same(&s, new))
}

/// Whether `identity` proves itself with the stored secret: the same client secret, or the same
/// certificate and key. Proofs without a secret have nothing to compare.
fn same_app_secret(keyring: &Keyring, current: &entity::integration::Model, identity: &AppIdentity) -> bool {
    let stored = rows::open_app_secret(keyring, current);
    match &identity.proof {
        Proof::ClientSecret(secret) => current.app_certificate_pem.is_none() && is_stored(stored, secret.secret()),
        Proof::Certificate(c) => {
            current.app_certificate_pem.as_deref() == Some(c.certificate_pem())
                && is_stored(stored, c.private_key_pem())
        }
        Proof::ManagedIdentity | Proof::Federated => false,
    }
}
