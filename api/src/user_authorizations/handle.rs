//! `Accounts`: what users' Azure DevOps authorizations need (the flow, the callback, refreshes).

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::access::RefreshFlights;
use crate::azure::AzureClient;
use crate::crypto::Keyring;

/// The knobs of the user flow.
pub struct AccountsConfig {
    /// How long a started authorization may take before its state expires.
    pub oauth_state_ttl: Duration,
    /// Refresh an access token this long before it expires.
    pub oauth_refresh_margin: Duration,
    /// Origins (besides the public URL's) a `returnUrl` may point to.
    pub oauth_return_origins: Vec<String>,
}

/// Users' own Azure DevOps authorizations: start, callback, connect, fresh access tokens.
#[derive(Clone)]
pub struct Accounts {
    pub db: DatabaseConnection,
    pub keyring: Arc<Keyring>,
    pub azure: AzureClient,
    /// The public base URL, without a trailing slash (redirect URI, allowed return origin).
    pub public_url: Arc<str>,
    /// One refresh at a time per user authorization, within this process.
    pub refresh_flights: RefreshFlights,
    pub config: Arc<AccountsConfig>,
}

impl Accounts {
    /// Where Entra ID sends users back after they authorize: register this on the app.
    pub fn oauth_redirect_uri(&self) -> String {
        format!("{}/oauth/azure-devops/callback", self.public_url)
    }
}
