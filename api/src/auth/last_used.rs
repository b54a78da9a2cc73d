//! `lastUsedAt` without a write per request: a token's use is written at most once a minute per
//! process, by a spawned task, so the request never waits on it.

use std::time::Duration;

use chrono::Utc;
use moka::sync::Cache;
use sea_orm::DatabaseConnection;

use crate::store;

/// How often one token's `last_used_at` is written at most (per process).
pub const RESOLUTION: Duration = Duration::from_secs(60);

/// The tokens whose use this process wrote within the last [`RESOLUTION`].
#[derive(Clone)]
pub struct LastUsed {
    db: DatabaseConnection,
    written: Cache<String, ()>,
}

impl LastUsed {
    pub fn new(db: DatabaseConnection) -> LastUsed {
        LastUsed { db, written: Cache::builder().max_capacity(100_000).time_to_live(RESOLUTION).build() }
    }

    /// Notes a use of `token_id`; writes it in the background unless written within the minute.
    pub fn note(&self, token_id: &str) {
        if !self.written.entry(token_id.to_owned()).or_insert(()).is_fresh() {
            return;
        }
        let (db, id) = (self.db.clone(), token_id.to_owned());
        tokio::spawn(async move {
            if let Err(e) = store::tokens::touch(&db, vec![id], Utc::now()).await {
                tracing::debug!(error = %e, "recording a token's last use failed; the next use retries");
            }
        });
    }

    /// Forgets a token, so its next use is written at once (used when its cache entry goes).
    pub fn forget(&self, token_id: &str) {
        self.written.invalidate(token_id);
    }
}
