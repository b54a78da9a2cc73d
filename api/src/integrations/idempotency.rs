//! Idempotency keys: the same key with the same input returns the first result; with other input, CONFLICT.

use chrono::Utc;
use entity::idempotency_key;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

pub const CREATE_INTEGRATION: &str = "createAzureDevOpsIntegration";

/// SHA-256 (hex) over the canonical JSON of a parsed input.
pub fn fingerprint(canonical: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// The resource an earlier call with this key created, when its input was the same.
pub async fn replay(
    db: &impl ConnectionTrait,
    tenant_id: &str,
    scope: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Option<String>, ApiError> {
    let pk = (tenant_id.to_owned(), scope.to_owned(), key.to_owned());
    let Some(row) = idempotency_key::Entity::find_by_id(pk).one(db).await? else { return Ok(None) };
    if row.fingerprint != fingerprint {
        return Err(ApiError::Conflict {
            message: "this idempotencyKey was already used with different input".into(),
            hint: Some("use a new idempotencyKey for a different request, or resend the original input".into()),
        });
    }
    Ok(Some(row.resource_id))
}

pub async fn remember(
    db: &impl ConnectionTrait,
    tenant_id: &str,
    scope: &str,
    key: &str,
    fingerprint: &str,
    resource_id: &str,
) -> Result<(), DbErr> {
    let row = idempotency_key::ActiveModel {
        tenant_id: Set(tenant_id.to_owned()),
        scope: Set(scope.to_owned()),
        key: Set(key.to_owned()),
        fingerprint: Set(fingerprint.to_owned()),
        resource_id: Set(resource_id.to_owned()),
        created_at: Set(Utc::now()),
    };
    idempotency_key::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}
