//! Idempotency keys: the same key with the same input returns the first result; with other input,
//! CONFLICT. A key lives 24 hours (as Stripe's do), and a key whose integration was unlinked
//! since is free again: `terraform destroy` then `apply` with the same key creates anew instead
//! of answering with nothing.

use crate::crypto::Keyring;
use crate::crypto::mac::Purpose;
use crate::error::ApiError;
use chrono::Utc;
use entity::idempotency_key;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

pub const CREATE_INTEGRATION: &str = "createAzureDevOpsIntegration";

/// How long a key is remembered.
pub const TTL: chrono::Duration = chrono::Duration::hours(24);

/// The canonical JSON of a parsed input (secrets in it as hashes), and its keyed fingerprint:
/// HMAC under a key derived from the master key, so the stored value says nothing of the secrets.
pub struct Fingerprint {
    canonical: Vec<u8>,
    pub value: String,
}

impl Fingerprint {
    pub fn of(keyring: &Keyring, canonical: &serde_json::Value) -> Fingerprint {
        let canonical = canonical.to_string().into_bytes();
        let value = keyring.fingerprint(Purpose::Idempotency, &canonical);
        Fingerprint { canonical, value }
    }
}

/// The resource an earlier call with this key created, when its input was the same.
pub async fn replay(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    tenant_id: &str,
    scope: &str,
    key: &str,
    fingerprint: &Fingerprint,
) -> Result<Option<String>, ApiError> {
    let pk = (tenant_id.to_owned(), scope.to_owned(), key.to_owned());
    let Some(row) = idempotency_key::Entity::find_by_id(pk.clone()).one(db).await? else { return Ok(None) };
    if row.created_at + TTL <= Utc::now() {
        forget(db, pk).await?;
        return Ok(None);
    }
    // Under any key of the ring: a retry after a key rotation is still the same input.
    if !keyring.fingerprint_matches(Purpose::Idempotency, &fingerprint.canonical, &row.fingerprint) {
        return Err(ApiError::Conflict {
            message: "this idempotencyKey was already used with different input".into(),
            hint: Some("use a new idempotencyKey for a different request, or resend the original input".into()),
        });
    }
    Ok(Some(row.resource_id))
}

/// Frees `key` (expired, or its resource is gone) so the request runs anew.
async fn forget(db: &impl ConnectionTrait, pk: (String, String, String)) -> Result<(), DbErr> {
    idempotency_key::Entity::delete_by_id(pk).exec(db).await.map(|_| ())
}

/// Frees `key` of `scope` once the resource it created is gone.
pub async fn release(db: &impl ConnectionTrait, tenant_id: &str, scope: &str, key: &str) -> Result<(), DbErr> {
    forget(db, (tenant_id.to_owned(), scope.to_owned(), key.to_owned())).await
}

pub async fn remember(
    db: &impl ConnectionTrait,
    tenant_id: &str,
    scope: &str,
    key: &str,
    fingerprint: &Fingerprint,
    resource_id: &str,
) -> Result<(), DbErr> {
    let row = idempotency_key::ActiveModel {
        tenant_id: Set(tenant_id.to_owned()),
        scope: Set(scope.to_owned()),
        key: Set(key.to_owned()),
        fingerprint: Set(fingerprint.value.clone()),
        resource_id: Set(resource_id.to_owned()),
        created_at: Set(Utc::now()),
    };
    idempotency_key::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}
