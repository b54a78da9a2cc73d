//! `Browse`: what reading (and, through `acting/`, writing) Azure DevOps as a caller needs.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::Upstream;
use crate::azure::AzureClient;
use crate::crypto::Keyring;
use crate::user_authorizations::Accounts;

/// Talking to Azure DevOps on a caller's behalf: credentials, cache, negotiated api-versions.
#[derive(Clone)]
pub struct Browse {
    pub db: DatabaseConnection,
    pub keyring: Arc<Keyring>,
    pub azure: AzureClient,
    /// The read side: cache, retries, learned api-versions.
    pub upstream: Upstream,
    /// Callers' own authorizations (refreshed on use, or started when missing).
    pub accounts: Accounts,
}
