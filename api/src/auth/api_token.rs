//! API tokens: generated values, argon2id hashes, and a bounded cache of verified tokens.
//!
//! A token is found by a short lookup key (16 hex digits of its SHA-256) and proven by its
//! argon2id hash, checked on the blocking pool. Verified tokens are cached by their full SHA-256
//! for `ttl`: a revoke on this replica drops the entry at once; other replicas notice at their next
//! revocation sweep ([`super::revocation_sweep`], every few seconds), at the latest within `ttl`.
//! An expired token is refused like a revoked one, cached or not.

use std::sync::Arc;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use moka::future::Cache;
use rand::RngCore;
use rand::rngs::OsRng;
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

use super::last_used::LastUsed;
use super::principal::{Principal, Role};
use crate::store;

/// A new random token value: `vcs_` and 43 URL-safe characters (256 bits).
pub fn new_token_value() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("vcs_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The lookup key stored beside the hash: enough to find the row, far too little to guess the token.
pub fn lookup_key(token: &str) -> String {
    hex::encode(&Sha256::digest(token.as_bytes())[..8])
}

/// The argon2id PHC string of a token (CPU-heavy: call from a blocking thread).
pub fn hash_token(token: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(token.as_bytes(), &salt)?.to_string())
}

/// How many argon2 verifications this process ran (the benchmark checks the cache keeps it tiny).
pub static ARGON2_VERIFICATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn verify_hash(token: &str, phc: &str) -> bool {
    ARGON2_VERIFICATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(token.as_bytes(), &h).is_ok())
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("hashing: {0}")]
    Hash(String),
}

/// Verifies bearer tokens against the database, through the cache.
#[derive(Clone)]
pub struct TokenService {
    db: DatabaseConnection,
    cache: Cache<[u8; 32], Arc<Principal>>,
    /// argon2 needs 19 MiB per check: a flood of unknown tokens must not run hundreds at once.
    hashing: Arc<tokio::sync::Semaphore>,
    last_used: LastUsed,
}

impl TokenService {
    pub fn new(db: DatabaseConnection, ttl: Duration) -> TokenService {
        let cache = Cache::builder().max_capacity(10_000).time_to_live(ttl).support_invalidation_closures().build();
        let parallel = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4);
        let last_used = LastUsed::new(db.clone());
        TokenService { db, cache, hashing: Arc::new(tokio::sync::Semaphore::new(parallel)), last_used }
    }

    /// The database the tokens are read from (the revocation sweep reads it too).
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The principal a token names, or `None` for an unknown or revoked token. Concurrent first
    /// requests with one token share a single lookup and argon2 check (single flight).
    pub async fn verify(&self, token: &str) -> Result<Option<Arc<Principal>>, TokenError> {
        let found = self.verify_cached(token).await?;
        match found {
            Some(p) if p.is_expired(chrono::Utc::now()) => {
                self.forget(&p.token_id);
                Ok(None)
            }
            Some(p) => {
                self.last_used.note(&p.token_id);
                Ok(Some(p))
            }
            None => Ok(None),
        }
    }

    async fn verify_cached(&self, token: &str) -> Result<Option<Arc<Principal>>, TokenError> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some(p) = self.cache.get(&digest).await {
            crate::metrics::token_cache("hit");
            return Ok(Some(p));
        }
        crate::metrics::token_cache("miss");
        let found = self
            .cache
            .try_get_with(digest, async {
                match self.lookup(token).await {
                    Ok(Some(p)) => Ok(Arc::new(p)),
                    Ok(None) => Err(None),
                    Err(e) => Err(Some(e.to_string())),
                }
            })
            .await;
        match found {
            Ok(p) => Ok(Some(p)),
            Err(e) => match &*e {
                None => Ok(None),
                Some(message) => Err(TokenError::Hash(message.clone())),
            },
        }
    }

    /// Finds the row the token names and proves the token with argon2 (on the blocking pool).
    async fn lookup(&self, token: &str) -> Result<Option<Principal>, TokenError> {
        let candidates = store::tokens::candidates(&self.db, &lookup_key(token)).await?;
        for row in candidates {
            let (token_owned, hash) = (token.to_owned(), row.hash.clone());
            let _permit = self.hashing.acquire().await.map_err(|e| TokenError::Hash(e.to_string()))?;
            let ok = tokio::task::spawn_blocking(move || verify_hash(&token_owned, &hash))
                .await
                .map_err(|e| TokenError::Hash(e.to_string()))?;
            if ok && let Some(principal) = self.principal_for(&row).await? {
                return Ok(Some(principal));
            }
        }
        Ok(None)
    }

    async fn principal_for(&self, row: &entity::api_token::Model) -> Result<Option<Principal>, TokenError> {
        let Some(tenant) = store::tenants::tenant_by_id(&self.db, &row.tenant_id).await? else { return Ok(None) };
        let Some(user) = store::tenants::user_by_id(&self.db, &row.user_id).await? else { return Ok(None) };
        let Some(role) = Role::parse(&row.role) else { return Ok(None) };
        Ok(Some(Principal {
            token_id: row.id.clone(),
            token_name: row.name.clone(),
            tenant_id: tenant.id,
            tenant: tenant.name,
            user_id: user.id,
            user: user.name,
            role,
            expires_at: row.expires_at,
        }))
    }

    /// Drops every cached entry of a revoked token on this replica.
    pub fn forget(&self, token_id: &str) {
        self.last_used.forget(token_id);
        let id = token_id.to_owned();
        // Only fails when invalidation closures are not enabled, which `new` does.
        let _ = self.cache.invalidate_entries_if(move |_, p| p.token_id == id);
    }
}

/// Creates the token row for a fresh value (`expires_at` `None`: it never expires); returns the stored row. Hashing runs on the blocking pool.
pub async fn issue(
    db: &impl sea_orm::ConnectionTrait,
    tenant_id: &str,
    user_id: &str,
    role: Role,
    name: Option<String>,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    value: &str,
) -> Result<entity::api_token::Model, TokenError> {
    let owned = value.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_token(&owned))
        .await
        .map_err(|e| TokenError::Hash(e.to_string()))?
        .map_err(|e| TokenError::Hash(e.to_string()))?;
    let row = store::tokens::insert(
        db,
        store::tokens::NewToken {
            id: store::new_id(),
            tenant_id,
            user_id,
            name,
            role: role.as_str(),
            lookup_key: lookup_key(value),
            hash,
            expires_at,
        },
    )
    .await?;
    Ok(row)
}
