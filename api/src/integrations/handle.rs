//! `Integrations`: what the integration lifecycle needs (create, update, verify, rotate, unlink).

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use url::Url;

use crate::azure::AzureClient;
use crate::crypto::Keyring;
use crate::integrations::reveal::RevealLimit;
use crate::service_hooks::ServiceHooks;
use crate::webhooks::known_integrations::KnownIntegrations;

/// The knobs of the lifecycle.
pub struct IntegrationsConfig {
    /// `VCSLINK_ALLOW_PRIVATE_UPSTREAMS`: accept http:// and private upstream hosts.
    pub allow_private_upstreams: bool,
    /// `VCSLINK_ALLOW_CUSTOM_OAUTH_HOSTS`: accept OAuth endpoints off the Entra authority's host.
    pub allow_custom_oauth_hosts: bool,
    /// How long a rotated-out webhook password is still accepted.
    pub webhook_password_grace: Duration,
    /// The Entra ID authority base the OAuth app URLs derive from.
    pub entra_authority: Url,
}

/// Integrations and their secrets, from create to unlink.
#[derive(Clone)]
pub struct Integrations {
    pub db: DatabaseConnection,
    pub keyring: Arc<Keyring>,
    pub azure: AzureClient,
    /// The webhook route's kept copy, forgotten on every change that affects deliveries.
    pub known_integrations: KnownIntegrations,
    /// Password updates and removal of the installed subscriptions.
    pub service_hooks: ServiceHooks,
    /// `revealWebhookPassword`'s per-integration limit.
    pub reveal_limit: RevealLimit,
    pub config: Arc<IntegrationsConfig>,
}

impl Integrations {
    pub fn entra_authority(&self) -> &Url {
        &self.config.entra_authority
    }
}
