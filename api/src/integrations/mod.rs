//! The integration lifecycle: create, update, verify, rotate the webhook password, unlink.
//!
//! Each operation parses its input into domain types, talks to Azure DevOps outside any
//! transaction, then writes in one transaction (row, default flag, idempotency key, audit line).

pub mod create;
pub mod credentials;
pub mod handle;
pub mod idempotency;
pub mod lifecycle;
pub mod migrate;
pub mod org_tenant;
pub mod policy;
pub mod reveal;
pub mod secret_versions;
pub mod update;
pub mod webhook_password;

pub use handle::Integrations;

use secrecy::SecretString;

use crate::azure::verification::Verification;
use crate::service_hooks::password::Pushed;

/// The outcome of a create or update: the stored row (absent with `validateOnly`), the one-time
/// generated webhook password, and the verification when one ran.
#[derive(Default)]
pub struct Outcome {
    pub integration: Option<entity::integration::Model>,
    pub webhook_password: Option<SecretString>,
    pub verification: Option<Verification>,
    /// When the webhook password changed: what the installed subscriptions did.
    pub service_hooks: Option<Pushed>,
    /// Users' OAuth grants expired because the OAuth app was replaced or removed.
    pub expired_user_authorizations: u64,
}
