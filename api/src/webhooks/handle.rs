//! `Inbox`: what receiving Service Hook deliveries needs (auth, store, route).

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use url::Url;

use super::edge::Edge;
use super::group_commit::IngestQueue;
use super::known_integrations::KnownIntegrations;
use super::mentions::MentionNames;
use crate::azure::AzureClient;
use crate::browse::Upstream;
use crate::crypto::Keyring;

/// The knobs of the webhook route.
pub struct InboxConfig {
    /// Bodies above this are kept QUARANTINED, not parsed.
    pub webhook_max_body_bytes: usize,
    /// The identity host that resolves `@<GUID>` mentions.
    pub vssps_url: Url,
}

/// Inbound deliveries: who may deliver, the group-commit writer, routing after commit.
#[derive(Clone)]
pub struct Inbox {
    pub db: DatabaseConnection,
    pub keyring: Arc<Keyring>,
    pub azure: AzureClient,
    /// The webhook writer: deliveries stored together, each answered after its commit.
    pub ingest: IngestQueue,
    /// Who may deliver and which automations hear of it (briefly cached).
    pub known_integrations: KnownIntegrations,
    /// Display names of identities mentioned as `@<GUID>` in comments (bounded cache).
    pub mention_names: MentionNames,
    /// The limits a delivery meets before it costs anything (per address, per integration).
    pub edge: Edge,
    /// `browse/`'s cache, forgotten for a repository a push changed.
    pub upstream: Upstream,
    pub config: Arc<InboxConfig>,
}
