//! `rotate-key`: re-seal every secret of every table under the current key, in one transaction.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement, TransactionTrait, Value};
use secrecy::ExposeSecret;

use crate::crypto::{Aad, Keyring, SealError};

/// Every sealed column in the schema: (table, column). A new secret column must be listed here.
pub const SEALED_COLUMNS: &[(&str, &str)] = &[
    (super::integrations::TABLE, super::integrations::PAT),
    (super::integrations::TABLE, super::integrations::CLIENT_SECRET),
    (super::integrations::TABLE, super::integrations::WEBHOOK_PASSWORD),
    (super::user_authorizations::TABLE, super::user_authorizations::ACCESS_TOKEN),
    (super::user_authorizations::TABLE, super::user_authorizations::REFRESH_TOKEN),
    (super::user_authorizations::TABLE, super::user_authorizations::PAT),
    (super::oauth_states::TABLE, super::oauth_states::VERIFIER),
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

/// Re-seals every blob under `keyring.current()`; returns how many blobs were re-sealed.
/// Nothing is written unless every blob opens: one transaction, all or nothing.
pub async fn reseal_all(db: &DatabaseConnection, keyring: &Keyring) -> Result<u64, RotateError> {
    let backend = db.get_database_backend();
    let txn = db.begin().await?;
    let mut count = 0;
    for &(table, column) in SEALED_COLUMNS {
        let select = format!("SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL");
        let rows = txn.query_all_raw(Statement::from_string(backend, select)).await?;
        for row in rows {
            let id: String = row.try_get("", "id")?;
            let blob: Vec<u8> = row.try_get("", column)?;
            let aad = Aad::new(table, column, id.clone());
            let plain = keyring.open(&aad, &blob).map_err(|source| RotateError::Open {
                table,
                column,
                row_id: id.clone(),
                source,
            })?;
            let resealed = keyring.seal(&aad, plain.expose_secret());
            let update = format!(
                "UPDATE {table} SET {column} = {} WHERE id = {}",
                placeholder(backend, 1),
                placeholder(backend, 2)
            );
            txn.execute_raw(Statement::from_sql_and_values(backend, update, [Value::from(resealed), Value::from(id)]))
                .await?;
            count += 1;
        }
    }
    txn.commit().await?;
    Ok(count)
}

fn placeholder(backend: sea_orm::DatabaseBackend, n: usize) -> String {
    match backend {
        sea_orm::DatabaseBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
}
