//! Issuing and revoking a tenant's API tokens (the ADMIN `createApiToken` / `revokeApiToken` work), audited.

use chrono::Utc;
use sea_orm::DatabaseConnection;
use secrecy::SecretString;

use super::api_token::{self, TokenService};
use super::principal::Role;
use crate::domain::api_token::{TokenLifetime, TokenUser, token_name};
use crate::error::ApiError;
use crate::store;
use crate::store::audit::Actor;

/// A freshly issued token: its row, the user's name, and the value shown exactly once.
pub struct Issued {
    pub row: entity::api_token::Model,
    pub user: String,
    pub value: SecretString,
}

/// What a new token is for, parsed: `createApiToken` and `vcslink token create` build the same one.
pub struct TokenRequest {
    pub user: TokenUser,
    pub role: Role,
    pub name: Option<String>,
    pub lifetime: Option<TokenLifetime>,
}

impl TokenRequest {
    /// `VALIDATION` on `user` (1 to 200 printable characters), `name` (at most 200) or
    /// `expiresIn` (`30d`, `12h`, `45m`, `90s`).
    pub fn parse(user: &str, role: Role, name: Option<String>, expires_in: Option<&str>) -> Result<Self, ApiError> {
        Ok(TokenRequest {
            user: TokenUser::parse(user)?,
            role,
            name: token_name(name)?,
            lifetime: expires_in.map(TokenLifetime::parse).transpose()?,
        })
    }
}

/// Issues a token for the request's user of the actor's tenant (the user is created on first use).
pub async fn issue(db: &DatabaseConnection, actor: &Actor, request: TokenRequest) -> Result<Issued, ApiError> {
    let TokenRequest { user, role, name, lifetime } = request;
    let expires_at = match lifetime {
        Some(l) => Some(Utc::now() + chrono::Duration::from_std(l.duration()).map_err(ApiError::internal)?),
        None => None,
    };
    let value = api_token::new_token_value();
    let txn = crate::store::begin_write(db).await?;
    let u = store::tenants::ensure_user(&txn, &actor.tenant_id, user.as_str()).await?;
    let row = api_token::issue(&txn, &actor.tenant_id, &u.id, role, name, expires_at, &value)
        .await
        .map_err(ApiError::internal)?;
    let details =
        serde_json::json!({ "user": user.as_str(), "role": row.role, "name": row.name, "expiresAt": row.expires_at });
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
