//! The retention purge: every `every`, deliveries older than `VCSLINK_DELIVERY_RETENTION_DAYS`
//! go in batches of [`BATCH`], each its own short write transaction with a pause between, so
//! ingest (on SQLite's one writer too) keeps its turn; counts are kept per integration
//! ([`crate::store::retention`]). Retention 0 keeps every delivery.

use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use crate::store::retention::purge_batch;

/// Deliveries deleted per transaction.
pub const BATCH: u64 = 500;
/// The pause between two batches of one purge.
const BETWEEN_BATCHES: Duration = Duration::from_millis(20);

/// Runs until `stop`; `retention_days == 0` spawns nothing.
pub fn spawn(
    db: DatabaseConnection,
    retention_days: u32,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) -> Option<tokio::task::JoinHandle<()>> {
    if retention_days == 0 {
        return None;
    }
    Some(tokio::spawn(async move {
        while crate::periodic::tick(&mut stop, every).await {
            let cutoff = chrono::Utc::now() - chrono::Duration::days(i64::from(retention_days));
            match purge(&db, cutoff, &mut stop).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deliveries = n, retention_days, "purged deliveries past retention"),
                Err(e) => tracing::warn!(error = %e, "delivery retention purge failed; retried next time"),
            }
        }
    }))
}

/// Purges everything before `cutoff`, batch after batch; returns how many went.
async fn purge(
    db: &DatabaseConnection,
    cutoff: chrono::DateTime<chrono::Utc>,
    stop: &mut watch::Receiver<bool>,
) -> Result<u64, sea_orm::DbErr> {
    let mut total = 0;
    loop {
        let txn = crate::store::begin_write(db).await?;
        let n = purge_batch(&txn, cutoff, BATCH).await?;
        txn.commit().await?;
        total += n;
        if n < BATCH || !crate::periodic::tick(stop, BETWEEN_BATCHES).await {
            return Ok(total);
        }
    }
}
