//! `ServiceHooks`: what managing subscriptions at Azure DevOps needs.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::azure::AzureClient;
use crate::browse::Upstream;
use crate::crypto::Keyring;

/// Installs, inspects, repairs and removes the integration's Service Hook subscriptions.
#[derive(Clone)]
pub struct ServiceHooks {
    pub db: DatabaseConnection,
    pub keyring: Arc<Keyring>,
    pub azure: AzureClient,
    /// The api-version negotiated with each organization.
    pub upstream: Upstream,
    /// The public base URL, without a trailing slash: where Azure DevOps delivers.
    pub public_url: Arc<str>,
    /// `VCSLINK_ALLOW_PRIVATE_UPSTREAMS`: lifts the public-HTTPS check of the hook target.
    pub allow_private_upstreams: bool,
}

impl ServiceHooks {
    /// The endpoint Azure DevOps delivers `integration_id`'s events to.
    pub fn webhook_endpoint(&self, integration_id: &str) -> String {
        format!("{}/webhooks/azure-devops/{integration_id}", self.public_url)
    }
}
