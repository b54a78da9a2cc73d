//! Pending OAuth states: created by `startAzureDevOpsAuthorization`, consumed once by the callback.
//!
//! Rows live in the database so any replica can finish a flow. The lookup key is the SHA-256 of
//! the `state` value; consuming is a DELETE, so two callbacks racing on one state cannot both win.

use chrono::{DateTime, Utc};
use entity::oauth_state;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::new_id;
use crate::crypto::{Aad, Keyring, SealError};

pub const TABLE: &str = "oauth_states";
pub const VERIFIER: &str = "verifier_sealed";

/// A state row to insert; the verifier is sealed on the way in.
pub struct NewState<'a> {
    pub state: &'a str,
    pub tenant_id: &'a str,
    pub user_id: &'a str,
    pub integration_id: &'a str,
    pub verifier: &'a SecretString,
    pub return_url: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// What a consumed state hands to the callback.
pub struct Consumed {
    pub row: oauth_state::Model,
    pub verifier: SecretString,
}

fn hash(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

pub async fn insert(db: &impl ConnectionTrait, keyring: &Keyring, n: NewState<'_>) -> Result<(), DbErr> {
    let id = new_id();
    let sealed = keyring.seal_str(&Aad::new(TABLE, VERIFIER, id.clone()), n.verifier.expose_secret());
    let row = oauth_state::ActiveModel {
        id: Set(id),
        state_hash: Set(hash(n.state)),
        tenant_id: Set(n.tenant_id.to_owned()),
        user_id: Set(n.user_id.to_owned()),
        integration_id: Set(n.integration_id.to_owned()),
        verifier_sealed: Set(sealed),
        return_url: Set(n.return_url),
        expires_at: Set(n.expires_at),
        created_at: Set(Utc::now()),
    };
    oauth_state::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}

/// Why a state cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConsumeError {
    #[error("unknown or already used state")]
    Unknown,
    #[error("expired state")]
    Expired,
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("sealed verifier: {0}")]
    Seal(#[from] SealError),
}

/// Deletes the state row and returns it, once. A second call with the same state gets `Unknown`.
pub async fn consume(db: &impl ConnectionTrait, keyring: &Keyring, state: &str) -> Result<Consumed, ConsumeError> {
    let key = hash(state);
    let Some(row) = oauth_state::Entity::find().filter(oauth_state::Column::StateHash.eq(&key)).one(db).await? else {
        return Err(ConsumeError::Unknown);
    };
    let deleted =
        oauth_state::Entity::delete_many().filter(oauth_state::Column::Id.eq(&row.id)).exec(db).await?.rows_affected;
    if deleted != 1 {
        return Err(ConsumeError::Unknown);
    }
    if row.expires_at <= Utc::now() {
        return Err(ConsumeError::Expired);
    }
    let verifier = keyring.open_string(&Aad::new(TABLE, VERIFIER, row.id.clone()), &row.verifier_sealed)?;
    Ok(Consumed { row, verifier })
}

/// Drops states that expired before `now` (housekeeping on every start of a flow).
/// Forgets the user's pending states for the integration: a new start replaces them (one
/// pending flow per user and integration). Returns how many.
pub async fn forget_pending(db: &impl ConnectionTrait, user_id: &str, integration_id: &str) -> Result<u64, DbErr> {
    let deleted = oauth_state::Entity::delete_many()
        .filter(oauth_state::Column::UserId.eq(user_id))
        .filter(oauth_state::Column::IntegrationId.eq(integration_id))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Keeps the user's newest `keep` states and deletes the rest. Returns how many went.
pub async fn trim_user(db: &impl ConnectionTrait, user_id: &str, keep: u64) -> Result<u64, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    // The set stays at `keep` + 1 rows at most, so reading its ids is cheap (and portable: SQLite
    // takes no OFFSET without a LIMIT).
    let ids: Vec<String> = oauth_state::Entity::find()
        .select_only()
        .column(oauth_state::Column::Id)
        .filter(oauth_state::Column::UserId.eq(user_id))
        .order_by_desc(oauth_state::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let older: Vec<String> = ids.into_iter().skip(usize::try_from(keep).unwrap_or(usize::MAX)).collect();
    if older.is_empty() {
        return Ok(0);
    }
    let deleted = oauth_state::Entity::delete_many().filter(oauth_state::Column::Id.is_in(older)).exec(db).await?;
    Ok(deleted.rows_affected)
}

/// How many states the user has pending.
pub async fn count_for_user(db: &impl ConnectionTrait, user_id: &str) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    oauth_state::Entity::find().filter(oauth_state::Column::UserId.eq(user_id)).count(db).await
}

pub async fn purge_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(oauth_state::Entity::delete_many().filter(oauth_state::Column::ExpiresAt.lt(now)).exec(db).await?.rows_affected)
}
