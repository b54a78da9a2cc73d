//! The previous webhook password of an integration, still accepted until `valid_until` after a rotation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_grace_passwords")]
pub struct Model {
    /// The integration id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Sealed with AAD (`webhook_grace_passwords`, `password_sealed`, integration id).
    pub password_sealed: Vec<u8>,
    pub valid_until: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
