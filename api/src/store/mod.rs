//! Database access per aggregate. Knows SeaORM and the sealed-secret format; nothing of GraphQL.

pub mod audit;
pub mod automations;
pub mod checkpoint;
pub mod deliveries;
pub mod integrations;
pub mod oauth_states;
pub mod outbox;
pub mod pagination;
pub mod rotate;
pub mod service_hooks;
pub mod tenants;
pub mod tokens;
pub mod user_authorizations;
pub mod webhook_passwords;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};

/// Opens the pool. SQLite gets WAL and a busy timeout so readers never block the writer.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false).connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        // In-memory databases exist per connection: one connection keeps one database.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        opts.max_connections(if in_memory { 1 } else { 8 }).min_connections(1);
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .pragma("wal_autocheckpoint", checkpoint::AUTO_PAGES)
        });
    } else {
        opts.max_connections(16);
    }
    Database::connect(opts).await
}

/// Runs every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Whether the database answers (for `/readyz`).
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}

/// A fresh time-ordered id for a new row.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
