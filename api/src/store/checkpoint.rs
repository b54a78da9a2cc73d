//! SQLite WAL checkpoints off the commit path.
//!
//! SQLite's own policy makes whichever commit pushes the WAL past `wal_autocheckpoint` pages copy
//! the WAL back into the database before it returns: a stall of tens of milliseconds, every few
//! hundred webhook deliveries, on the connection every delivery waits for. A background task
//! checkpoints instead (PASSIVE: it never blocks readers or writers), often enough that commits
//! never reach the threshold, which stays as a safety net at [`AUTO_PAGES`].

use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection};
use tokio::sync::watch;

/// How often the background task checkpoints.
pub const EVERY: Duration = Duration::from_millis(500);
/// WAL pages after which a commit checkpoints by itself (about 40 MiB of 4 KiB pages).
pub const AUTO_PAGES: &str = "10000";

/// Starts the checkpointer on SQLite (nothing to do on PostgreSQL); it stops when `stop` turns true.
pub fn spawn(db: DatabaseConnection, mut stop: watch::Receiver<bool>) -> Option<tokio::task::JoinHandle<()>> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return None;
    }
    Some(tokio::spawn(async move {
        while crate::periodic::tick(&mut stop, EVERY).await {
            if let Err(e) = db.execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)").await {
                tracing::debug!(error = %e, "background WAL checkpoint failed; commits will checkpoint");
            }
        }
    }))
}
