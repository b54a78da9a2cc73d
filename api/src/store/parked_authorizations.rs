//! Parked authorizations: the OAuth callback parks the tokens here (sealed, single use, a few
//! minutes) under a random handle, and only the (tenant, user) that started the flow takes them.
//!
//! The lookup key is the SHA-256 of the handle, always with the owner: another principal's handle
//! finds nothing, exactly like an unknown one. Taking is a DELETE, so two completions racing on one
//! handle cannot both win. Expired rows are purged, tokens and all.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entity::parked_authorization as parked;
use rand::RngCore as _;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::new_id;
use crate::crypto::{Aad, Keyring, SealError};
use crate::domain::entra_account::EntraAccount;

pub const TABLE: &str = "parked_authorizations";
pub const ACCESS_TOKEN: &str = "access_token_sealed";
pub const REFRESH_TOKEN: &str = "refresh_token_sealed";

/// The (tenant, user) a parked grant belongs to.
#[derive(Clone, Copy)]
pub struct Principal<'a> {
    pub tenant_id: &'a str,
    pub user_id: &'a str,
}

/// A finished sign-in to park.
pub struct NewParked<'a> {
    pub owner: Principal<'a>,
    pub integration_id: &'a str,
    pub access: &'a SecretString,
    pub refresh: Option<&'a SecretString>,
    pub token_expires_at: DateTime<Utc>,
    pub scopes: &'a [String],
    pub authenticated_as: &'a str,
    /// The Entra account of the checked ID token.
    pub account: &'a EntraAccount,
    pub expires_at: DateTime<Utc>,
}

/// A parked grant taken by its owner, tokens opened.
pub struct Taken {
    pub row: parked::Model,
    pub access: SecretString,
    pub refresh: Option<SecretString>,
}

fn hash(handle: &str) -> String {
    hex::encode(Sha256::digest(handle.trim().as_bytes()))
}

/// Parks the tokens; returns the one-time handle (32 random bytes, URL-safe), never stored.
pub async fn park(db: &impl ConnectionTrait, keyring: &Keyring, n: NewParked<'_>) -> Result<SecretString, DbErr> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let handle = URL_SAFE_NO_PAD.encode(bytes);
    let id = new_id();
    let seal =
        |column, secret: &SecretString| keyring.seal_str(&Aad::new(TABLE, column, id.clone()), secret.expose_secret());
    let row = parked::ActiveModel {
        id: Set(id.clone()),
        handle_hash: Set(hash(&handle)),
        tenant_id: Set(n.owner.tenant_id.to_owned()),
        user_id: Set(n.owner.user_id.to_owned()),
        integration_id: Set(n.integration_id.to_owned()),
        access_token_sealed: Set(seal(ACCESS_TOKEN, n.access)),
        refresh_token_sealed: Set(n.refresh.map(|r| seal(REFRESH_TOKEN, r))),
        token_expires_at: Set(n.token_expires_at),
        scopes: Set(serde_json::to_string(n.scopes).unwrap_or_else(|_| "[]".to_owned())),
        authenticated_as: Set(n.authenticated_as.to_owned()),
        account_object_id: Set(Some(n.account.object_id.clone())),
        account_tenant_id: Set(Some(n.account.tenant_id.clone())),
        expires_at: Set(n.expires_at),
        created_at: Set(Utc::now()),
    };
    parked::Entity::insert(row).exec_without_returning(db).await?;
    Ok(SecretString::from(handle))
}

/// The owner's live parked grant for `handle`, left in place (to show who is being connected).
pub async fn peek(
    db: &impl ConnectionTrait,
    owner: Principal<'_>,
    handle: &str,
) -> Result<Option<parked::Model>, DbErr> {
    let row = parked::Entity::find()
        .filter(parked::Column::HandleHash.eq(hash(handle)))
        .filter(parked::Column::TenantId.eq(owner.tenant_id))
        .filter(parked::Column::UserId.eq(owner.user_id))
        .one(db)
        .await?;
    Ok(row.filter(|r| r.expires_at > Utc::now()))
}

#[derive(Debug, thiserror::Error)]
pub enum TakeError {
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("a parked token does not open: {0}")]
    Seal(#[from] SealError),
}

/// Deletes the owner's parked grant for `handle` and returns it, once; `None` for an unknown,
/// expired, already taken or someone else's handle (indistinguishable on purpose).
pub async fn take(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    owner: Principal<'_>,
    handle: &str,
) -> Result<Option<Taken>, TakeError> {
    let Some(row) = peek(db, owner, handle).await? else { return Ok(None) };
    let deleted = parked::Entity::delete_by_id(row.id.clone()).exec(db).await?.rows_affected;
    if deleted != 1 {
        return Ok(None);
    }
    let aad = |column| Aad::new(TABLE, column, row.id.clone());
    let access = keyring.open_string(&aad(ACCESS_TOKEN), &row.access_token_sealed)?;
    let refresh =
        row.refresh_token_sealed.as_deref().map(|b| keyring.open_string(&aad(REFRESH_TOKEN), b)).transpose()?;
    Ok(Some(Taken { row, access, refresh }))
}

/// Drops grants that expired before `now`, with their tokens; returns how many.
pub async fn purge_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(parked::Entity::delete_many().filter(parked::Column::ExpiresAt.lt(now)).exec(db).await?.rows_affected)
}
