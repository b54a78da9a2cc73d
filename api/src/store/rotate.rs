//! `rotate-key`: every sealed column of every table, checked, re-sealed under the current key and
//! counted. Re-sealing is a compare-and-swap on the old blob, in small transactions: a row a
//! running server rewrote meanwhile is left as that server wrote it, never reverted.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement, Value};
use secrecy::ExposeSecret;

use crate::crypto::{Aad, Keyring, SealError, SecretBytes};

/// Every sealed column in the schema: (table, column). A new secret column must be listed here.
pub const SEALED_COLUMNS: &[(&str, &str)] = &[
    (super::integrations::TABLE, super::integrations::PAT),
    (super::integrations::TABLE, super::integrations::CLIENT_SECRET),
    (super::integrations::TABLE, super::integrations::WEBHOOK_PASSWORD),
    (super::integrations::TABLE, super::integrations::APP_SECRET),
    (super::user_authorizations::TABLE, super::user_authorizations::ACCESS_TOKEN),
    (super::user_authorizations::TABLE, super::user_authorizations::REFRESH_TOKEN),
    (super::user_authorizations::TABLE, super::user_authorizations::PAT),
    (super::oauth_states::TABLE, super::oauth_states::VERIFIER),
    (super::parked_authorizations::TABLE, super::parked_authorizations::ACCESS_TOKEN),
    (super::parked_authorizations::TABLE, super::parked_authorizations::REFRESH_TOKEN),
    (super::webhook_passwords::TABLE, super::webhook_passwords::PASSWORD),
    (super::automations::TABLE, super::automations::SECRET),
];

#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("{table}.{column} of row {row_id} does not open under the given keys: {source}")]
    Open {
        table: &'static str,
        column: &'static str,
        row_id: String,
        #[source]
        source: SealError,
    },
}

/// How many rows each re-sealing transaction updates (short transactions keep a running server's
/// writes flowing, on SQLite above all).
const BATCH: usize = 100;

/// One sealed value as stored.
pub(crate) struct Blob {
    table: &'static str,
    column: &'static str,
    id: String,
    sealed: Vec<u8>,
}

impl Blob {
    fn aad(&self) -> Aad {
        Aad::new(self.table, self.column, self.id.clone())
    }

    fn open(&self, keyring: &Keyring) -> Result<SecretBytes, RotateError> {
        keyring.open(&self.aad(), &self.sealed).map_err(|source| RotateError::Open {
            table: self.table,
            column: self.column,
            row_id: self.id.clone(),
            source,
        })
    }
}

/// Every blob of one sealed column.
async fn blobs_of(db: &impl ConnectionTrait, table: &'static str, column: &'static str) -> Result<Vec<Blob>, DbErr> {
    let select = format!("SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL");
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), select)).await?;
    rows.into_iter()
        .map(|row| Ok(Blob { table, column, id: row.try_get("", "id")?, sealed: row.try_get("", column)? }))
        .collect()
}

/// Opens every blob under `keyring` without writing anything; returns how many there are. A blob
/// that does not open is the error, before any change is made.
pub async fn check_all(db: &DatabaseConnection, keyring: &Keyring) -> Result<u64, RotateError> {
    let mut count = 0;
    for &(table, column) in SEALED_COLUMNS {
        for blob in blobs_of(db, table, column).await? {
            blob.open(keyring)?;
            count += 1;
        }
    }
    Ok(count)
}

/// What [`reseal_stale`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resealed {
    /// Blobs now sealed under the current key.
    pub resealed: u64,
    /// Blobs a running server rewrote between the read and the update: left as written.
    pub rewritten_meanwhile: u64,
}

/// Re-seals every blob not sealed under `keyring.current()`, each as a compare-and-swap on the
/// blob read, [`BATCH`] rows a transaction.
pub async fn reseal_stale(db: &DatabaseConnection, keyring: &Keyring) -> Result<Resealed, RotateError> {
    reseal(db, keyring, &stale_blobs(db, keyring).await?).await
}

/// Every blob not sealed under `keyring.current()`, as read now.
pub(crate) async fn stale_blobs(db: &DatabaseConnection, keyring: &Keyring) -> Result<Vec<Blob>, DbErr> {
    let mut stale = Vec::new();
    for &(table, column) in SEALED_COLUMNS {
        stale.extend(blobs_of(db, table, column).await?.into_iter().filter(|b| keyring.needs_reseal(&b.sealed)));
    }
    Ok(stale)
}

/// Re-seals `blobs` under the current key where each still holds the value read.
pub(crate) async fn reseal(
    db: &DatabaseConnection,
    keyring: &Keyring,
    blobs: &[Blob],
) -> Result<Resealed, RotateError> {
    let backend = db.get_database_backend();
    let mut done = Resealed::default();
    for batch in blobs.chunks(BATCH) {
        let txn = super::begin_write(db).await?;
        for blob in batch {
            let plain = blob.open(keyring)?;
            let resealed = keyring.seal(&blob.aad(), plain.expose_secret());
            let (table, column) = (blob.table, blob.column);
            let update = format!(
                "UPDATE {table} SET {column} = {} WHERE id = {} AND {column} = {}",
                placeholder(backend, 1),
                placeholder(backend, 2),
                placeholder(backend, 3),
            );
            let values = [Value::from(resealed), Value::from(blob.id.clone()), Value::from(blob.sealed.clone())];
            let result = txn.execute_raw(Statement::from_sql_and_values(backend, update, values)).await?;
            if result.rows_affected() == 1 {
                done.resealed += 1;
            } else {
                done.rewritten_meanwhile += 1;
            }
        }
        txn.commit().await?;
    }
    Ok(done)
}

/// How many blobs are not sealed under `keyring.current()` (a previous key, or malformed).
pub async fn count_stale(db: &DatabaseConnection, keyring: &Keyring) -> Result<u64, DbErr> {
    let mut count = 0;
    for &(table, column) in SEALED_COLUMNS {
        count += blobs_of(db, table, column).await?.iter().filter(|b| keyring.needs_reseal(&b.sealed)).count() as u64;
    }
    Ok(count)
}

fn placeholder(backend: sea_orm::DatabaseBackend, n: usize) -> String {
    match backend {
        sea_orm::DatabaseBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
}
