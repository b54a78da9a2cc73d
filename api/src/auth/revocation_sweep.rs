//! Revocations made elsewhere (another replica, `vcslink token revoke`) reach this process's
//! verified-token cache within one sweep interval, not only when an entry's TTL runs out.

use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;

use super::TokenService;
use crate::store;

/// Revocations are looked for with this much overlap: they carry the revoker's clock, not ours.
const CLOCK_SLACK: Duration = Duration::from_secs(120);

/// Every `every`, drops the cache entries of tokens revoked since the previous sweep, until `stop`.
pub fn spawn(tokens: TokenService, every: Duration, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let slack = chrono::Duration::from_std(CLOCK_SLACK).unwrap_or_default();
        let mut since = Utc::now() - slack;
        while crate::periodic::tick(&mut stop, every).await {
            let started = Utc::now();
            match store::tokens::revoked_since(tokens.db(), since).await {
                Ok(ids) => {
                    for id in ids {
                        tokens.forget(&id);
                    }
                    since = started - slack;
                }
                Err(e) => tracing::warn!(error = %e, "checking for revoked API tokens failed; retrying next sweep"),
            }
        }
    })
}
