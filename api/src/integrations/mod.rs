//! The integration lifecycle: create, update, verify, rotate the webhook password, unlink.
//!
//! Each operation parses its input into domain types, talks to Azure DevOps outside any
//! transaction, then writes in one transaction (row, default flag, idempotency key, audit line).

pub mod create;
pub mod credentials;
pub mod idempotency;
pub mod lifecycle;
pub mod org_tenant;
pub mod parse;
pub mod update;

use secrecy::SecretString;

use crate::azure::verification::Verification;

/// The outcome of a create or update: the stored row (absent with `validateOnly`), the one-time
/// generated webhook password, and the verification when one ran.
pub struct Outcome {
    pub integration: Option<entity::integration::Model>,
    pub webhook_password: Option<SecretString>,
    pub verification: Option<Verification>,
}

/// `HEALTHY`/`FAILING` from a verification, `UNVERIFIED` without one.
pub fn status_for(v: Option<&Verification>) -> &'static str {
    match v {
        None => "UNVERIFIED",
        Some(v) if v.ok => "HEALTHY",
        Some(_) => "FAILING",
    }
}
