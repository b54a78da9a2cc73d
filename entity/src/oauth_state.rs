//! A pending OAuth authorization: single use, short-lived, bound to tenant, user and integration.
//! Looked up by the SHA-256 of the `state` parameter; the PKCE verifier is sealed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_states")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub state_hash: String,
    pub tenant_id: String,
    pub user_id: String,
    pub integration_id: String,
    pub verifier_sealed: Vec<u8>,
    pub return_url: Option<String>,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
