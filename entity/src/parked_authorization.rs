//! A finished OAuth sign-in waiting to be completed: single use, short-lived, bound to the tenant,
//! user and integration that started it. Looked up by the SHA-256 of its handle; tokens sealed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "parked_authorizations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub handle_hash: String,
    pub tenant_id: String,
    pub user_id: String,
    pub integration_id: String,
    pub access_token_sealed: Vec<u8>,
    pub refresh_token_sealed: Option<Vec<u8>>,
    /// When the access token expires.
    pub token_expires_at: DateTimeUtc,
    /// JSON array of the granted scopes.
    pub scopes: String,
    pub authenticated_as: String,
    /// The Entra account's object id (`oid` of the checked ID token); NULL for PATs.
    pub account_object_id: Option<String>,
    /// The Entra account's tenant (`tid`); NULL for PATs.
    pub account_tenant_id: Option<String>,
    /// When the parked grant is purged unless completed.
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
