//! `Automations`: what administering automations and running their outbox needs.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use crate::crypto::Keyring;
use crate::webhooks::known_integrations::KnownIntegrations;

/// The knobs of the outbox worker and the target check.
pub struct AutomationsConfig {
    /// `VCSLINK_ALLOW_PRIVATE_UPSTREAMS`: accept http:// and private automation targets.
    pub allow_private_upstreams: bool,
    pub automation_max_attempts: u32,
    pub automation_retry_base: Duration,
    pub outbox_poll_interval: Duration,
}

/// Automations, their signing keys and the outbox that sends them.
#[derive(Clone)]
pub struct Automations {
    pub db: DatabaseConnection,
    pub keyring: Arc<Keyring>,
    /// The webhook route's kept copy of which automations hear of an integration.
    pub known_integrations: KnownIntegrations,
    pub config: Arc<AutomationsConfig>,
}
