//! A platform user's own Azure DevOps authorization for one integration: OAuth tokens or a
//! personal PAT, sealed under an AAD naming this table, the column and the row id.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_authorizations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub integration_id: String,
    /// `OAUTH` or `PERSONAL_ACCESS_TOKEN`.
    pub method: String,
    /// `ACTIVE`, or `EXPIRED` once Entra refused the refresh token.
    pub status: String,
    pub access_token_sealed: Option<Vec<u8>>,
    pub refresh_token_sealed: Option<Vec<u8>>,
    pub pat_sealed: Option<Vec<u8>>,
    /// When the access token expires (OAuth only).
    pub expires_at: Option<DateTimeUtc>,
    /// JSON array of granted scopes.
    pub scopes: String,
    /// The Azure DevOps sign-in name the credential belongs to.
    pub authenticated_as: String,
    /// The Entra account's object id (`oid` of the checked ID token); NULL for PATs.
    pub account_object_id: Option<String>,
    /// The Entra account's tenant (`tid`); NULL for PATs.
    pub account_tenant_id: Option<String>,
    /// Bumped on every token write: refreshes compare-and-swap on it.
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
