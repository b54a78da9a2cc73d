//! `ApiToken`: a token's metadata, never its value.

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::{ID, Object};
use entity::api_token::Model;

use super::enums::Role;
use crate::auth::Role as AuthRole;
use crate::domain::global_id::{Kind, encode};

/// An API token of the tenant. Its value is shown once, by `createApiToken`.
pub struct ApiToken {
    pub row: Model,
    /// The platform user the token acts for.
    pub user: String,
}

/// An API token of the tenant, described without its value (shown once, by `createApiToken`).
#[Object]
impl ApiToken {
    /// Global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::ApiToken, &self.row.id).into()
    }

    /// The name given at creation; null when none was given.
    async fn name(&self) -> Option<&str> {
        self.row.name.as_deref()
    }

    /// The platform user the token acts for.
    async fn user(&self) -> &str {
        &self.user
    }

    /// What the token may do: ADMIN or MEMBER.
    async fn role(&self) -> Role {
        AuthRole::parse(&self.row.role).unwrap_or(AuthRole::Member).into()
    }

    /// When the token was created.
    async fn created_at(&self) -> Timestamp {
        self.row.created_at.into()
    }

    /// Null while the token is valid.
    async fn revoked_at(&self) -> Option<Timestamp> {
        self.row.revoked_at.map(Into::into)
    }

    /// When the token stops being accepted (refused like a revoked one after it); null when it never expires.
    async fn expires_at(&self) -> Option<Timestamp> {
        self.row.expires_at.map(Into::into)
    }

    /// When the token was last accepted, to the minute (written at most once a minute per
    /// server); null when it was never used.
    async fn last_used_at(&self) -> Option<Timestamp> {
        self.row.last_used_at.map(Into::into)
    }
}
