//! An automation: deliveries matching its filters are forwarded, signed, to its target URL.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "automations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    pub integration_id: String,
    pub name: String,
    /// JSON array of `WebhookEventType` names.
    pub event_types: String,
    pub project: Option<String>,
    pub repository: Option<String>,
    /// Branch glob (`*` any run of characters, `?` one).
    pub branch: Option<String>,
    pub trigger_phrase: Option<String>,
    pub target_url: String,
    /// The HMAC signing secret, sealed with AAD (`automations`, `secret_sealed`, id).
    pub secret_sealed: Option<Vec<u8>>,
    pub created_at: DateTimeUtc,
    /// How many times the signing secret changed (1 for the first).
    pub secret_version: i32,
    /// When the signing secret was set; NULL for rows made before this was kept (`created_at`).
    pub secret_set_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
