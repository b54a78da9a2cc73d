//! An API token: only its argon2id hash and a short lookup key are stored, never the value.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub name: Option<String>,
    /// `ADMIN` or `MEMBER`.
    pub role: String,
    /// First 16 hex digits of SHA-256(token): narrows the argon2 check to one candidate row.
    pub lookup_key: String,
    /// argon2id PHC string.
    pub hash: String,
    pub created_at: DateTimeUtc,
    /// Written at most once a minute per token, off the request path.
    pub last_used_at: Option<DateTimeUtc>,
    /// After this the token is refused like a revoked one; `None`: it never expires.
    pub expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
