//! Purges what an unfinished flow leaves: parked grants (tokens and all) as soon as they expire,
//! and OAuth states an hour after they expire, so a late callback still hears "expired" rather
//! than "unknown". It runs at least once a minute, and as often as a flow's lifetime when shorter.

use std::time::Duration;

use tokio::sync::watch;

use super::Accounts;
use crate::store::{oauth_states, parked_authorizations};

const AT_MOST: Duration = Duration::from_secs(60);
/// How long an expired state is kept so its callback can say why it failed.
pub(super) const EXPIRED_STATES_KEPT: chrono::TimeDelta = chrono::TimeDelta::hours(1);

pub fn spawn(state: Accounts, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    let every = state.config.oauth_state_ttl.min(AT_MOST).max(Duration::from_millis(50));
    tokio::spawn(async move {
        while crate::periodic::tick(&mut stop, every).await {
            let now = chrono::Utc::now();
            let purged = async {
                let states = oauth_states::purge_expired(&state.db, now - EXPIRED_STATES_KEPT).await?;
                let parked = parked_authorizations::purge_expired(&state.db, now).await?;
                Ok::<_, sea_orm::DbErr>((states, parked))
            };
            match purged.await {
                Ok((0, 0)) => {}
                Ok((states, parked)) => tracing::debug!(states, parked, "purged unfinished authorizations"),
                Err(e) => tracing::warn!(error = %e, "purging unfinished authorizations failed"),
            }
        }
    })
}
