//! What every request handler shares: the pool, the keyring, the token service, the upstream client.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use url::Url;

use crate::auth::TokenService;
use crate::auth::rate_limit::TokenRateLimit;
use crate::azure::AzureClient;
use crate::browse::Upstream;
use crate::config::Config;
use crate::crypto::Keyring;
use crate::user_authorizations::access::RefreshFlights;
use crate::webhooks::group_commit::IngestQueue;
use crate::webhooks::known_integrations::KnownIntegrations;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub keyring: Arc<Keyring>,
    pub tokens: TokenService,
    pub rate_limit: TokenRateLimit,
    /// Per-integration limit of the webhook endpoint.
    pub webhook_rate_limit: TokenRateLimit,
    pub azure: AzureClient,
    /// The read side: cache, retries, learned api-versions.
    pub upstream: Upstream,
    pub config: Arc<Config>,
    /// The public base URL (webhook endpoints, OAuth redirect URI), without a trailing slash.
    pub public_url: Arc<str>,
    /// One refresh at a time per user authorization, within this process.
    pub refresh_flights: RefreshFlights,
    /// The webhook writer: deliveries stored together, each answered after its commit.
    pub ingest: IngestQueue,
    /// Who may deliver webhooks and which automations hear of them (briefly cached).
    pub known_integrations: KnownIntegrations,
    /// Display names of identities mentioned as `@<GUID>` in comments (bounded cache).
    pub mention_names: crate::webhooks::mentions::MentionNames,
}

impl AppState {
    pub fn webhook_endpoint(&self, integration_id: &str) -> String {
        format!("{}/webhooks/azure-devops/{integration_id}", self.public_url)
    }

    pub fn entra_authority(&self) -> &Url {
        &self.config.entra_authority
    }
}

impl AppState {
    /// Where Entra ID sends users back after they authorize: register this on the app.
    pub fn oauth_redirect_uri(&self) -> String {
        format!("{}/oauth/azure-devops/callback", self.public_url)
    }
}
