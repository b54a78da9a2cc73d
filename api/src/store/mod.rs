//! Database access per aggregate. Knows SeaORM and the sealed-secret format; nothing of GraphQL.

pub mod audit;
pub mod automations;
pub mod checkpoint;
pub mod deliveries;
pub mod integrations;
pub mod integrations_list;
pub mod oauth_states;
pub mod outbox;
pub mod pagination;
pub mod parked_authorizations;
pub mod retention;
pub mod rotate;
pub mod service_hooks;
pub mod tenants;
pub mod tokens;
pub mod user_authorizations;
pub mod webhook_passwords;

#[cfg(test)]
mod tests;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

/// Opens the pool. SQLite gets WAL and a busy timeout so readers never block the writer, and
/// `synchronous=FULL`: every commit reaches the disk before it returns, so what vcslink answered
/// (a webhook's 200 above all: Azure DevOps never resends it) survives a power loss, not only a
/// crash of the process. The webhook writer pays that fsync once per batch (group commit).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    // In-memory databases exist per connection: one connection keeps one database.
    let sqlite_size = if is_in_memory(url) { 1 } else { 8 };
    open(url, if url.starts_with("sqlite:") { sqlite_size } else { 16 }).await
}

/// One connection of its own for a task that writes alone (the webhook writer): on SQLite its page
/// cache stays warm instead of going stale while the pool's connections take turns. `None` where
/// that does not help (PostgreSQL) or would open another database (in-memory SQLite).
pub async fn connect_writer(url: &str) -> Result<Option<DatabaseConnection>, DbErr> {
    if !url.starts_with("sqlite:") || is_in_memory(url) {
        return Ok(None);
    }
    open(url, 1).await.map(Some)
}

fn is_in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

async fn open(url: &str, connections: u32) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false).connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(10));
    opts.max_connections(connections);
    if url.starts_with("sqlite:") {
        opts.min_connections(1);
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .pragma("wal_autocheckpoint", checkpoint::AUTO_PAGES)
        });
    }
    Database::connect(opts).await
}

/// Begins a transaction that writes. On SQLite it is `BEGIN IMMEDIATE`: it takes the write lock
/// up front, waiting for it (`busy_timeout`), instead of failing with `SQLITE_BUSY` ("database is
/// locked") when a read inside a deferred transaction must become a write while another connection
/// writes, which no busy timeout retries. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let immediate = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    db.begin_with_options(immediate).await
}

/// Runs every pending migration; says so at INFO only when there is one (the migrator's own
/// per-step lines are filtered to WARN by `telemetry`).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    let pending = Migrator::get_pending_migrations(db).await?;
    if pending.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = pending.iter().map(|m| m.name()).collect();
    tracing::info!(count = names.len(), migrations = %names.join(", "), "applying database migrations");
    Migrator::up(db, None).await?;
    tracing::info!(count = names.len(), "database migrations applied");
    Ok(())
}

/// Whether the database answers (for `/readyz`).
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}

/// A fresh time-ordered id for a new row.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
