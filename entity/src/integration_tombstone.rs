//! What remains of an unlinked integration: its id and keyed fingerprints of the webhook passwords
//! it accepted, so a delivery that knows one gets 410 Gone (and anyone else 401).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integration_tombstones")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    pub unlinked_at: DateTimeUtc,
    /// Comma-separated keyed fingerprints (HMAC, see `crypto::mac`); `None` for older tombstones.
    pub webhook_password_fingerprints: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
