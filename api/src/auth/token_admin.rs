//! Issuing and revoking a tenant's API tokens (the ADMIN `createApiToken` / `revokeApiToken` work), audited.

use sea_orm::DatabaseConnection;
use secrecy::SecretString;

use super::api_token::{self, TokenService};
use super::principal::Role;
use crate::error::ApiError;
use crate::store;
use crate::store::audit::Actor;

/// A freshly issued token: its row, the user's name, and the value shown exactly once.
pub struct Issued {
    pub row: entity::api_token::Model,
    pub user: String,
    pub value: SecretString,
}

/// Issues a token for `user` of the actor's tenant (the user is created on first use).
/// `VALIDATION` on `user` (1 to 200 printable characters) or `name` (at most 200).
pub async fn issue(
    db: &DatabaseConnection,
    actor: &Actor,
    user: &str,
    role: Role,
    name: Option<String>,
) -> Result<Issued, ApiError> {
    let user = user.trim();
    if user.is_empty() || user.chars().count() > 200 || user.chars().any(char::is_control) {
        return Err(ApiError::validation("user", "user must be 1 to 200 printable characters", None));
    }
    let name = name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
        return Err(ApiError::validation("name", "name must be at most 200 characters", None));
    }
    let value = api_token::new_token_value();
    let txn = crate::store::begin_write(db).await?;
    let u = store::tenants::ensure_user(&txn, &actor.tenant_id, user).await?;
    let row = api_token::issue(&txn, &actor.tenant_id, &u.id, role, name, &value).await.map_err(ApiError::internal)?;
    let details = serde_json::json!({ "user": user, "role": row.role, "name": row.name });
    store::audit::record(&txn, actor, "api_token.create", Some(&row.id), details).await?;
    txn.commit().await?;
    Ok(Issued { row, user: u.name, value: SecretString::from(value) })
}

/// Revokes the actor's tenant's token `id` (a raw id), at once in this replica's cache.
/// `NOT_FOUND` when the tenant has no such token.
pub async fn revoke(db: &DatabaseConnection, tokens: &TokenService, actor: &Actor, id: &str) -> Result<(), ApiError> {
    let txn = crate::store::begin_write(db).await?;
    let row = store::tokens::by_id(&txn, id)
        .await?
        .filter(|t| t.tenant_id == actor.tenant_id)
        .ok_or(ApiError::not_found("API token"))?;
    store::tokens::revoke(&txn, &row.id).await?;
    store::audit::record(&txn, actor, "api_token.revoke", Some(&row.id), serde_json::json!({})).await?;
    txn.commit().await?;
    tokens.forget(&row.id);
    Ok(())
}
