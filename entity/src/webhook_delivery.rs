//! One Service Hook delivery as received: the raw payload, its normalized fields and the routing outcome.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    /// UUIDv7, so ordering by id is ordering by arrival.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    pub integration_id: String,
    /// The envelope's `id` (unique per integration: the dedup key).
    pub event_id: String,
    pub notification_id: Option<i64>,
    pub subscription_id: Option<String>,
    /// The envelope's `eventType` as sent (`git.push`, ...).
    pub event_type: String,
    /// The normalized `WebhookEventType` name (`CODE_PUSHED`, ..., `OTHER`).
    pub kind: String,
    pub publisher_id: Option<String>,
    pub resource_version: Option<String>,
    pub organization: Option<String>,
    pub project_id: Option<String>,
    pub project: Option<String>,
    pub repository_id: Option<String>,
    pub repository: Option<String>,
    pub ref_name: Option<String>,
    pub source_ref_name: Option<String>,
    /// JSON array of `{id, message, author}`.
    pub commits: Option<String>,
    pub pull_request_number: Option<i32>,
    pub work_item_id: Option<i32>,
    pub actor: Option<String>,
    pub comment_text: Option<String>,
    pub event_created_at: Option<DateTimeUtc>,
    pub received_at: DateTimeUtc,
    /// How many more times the same event arrived after the first.
    pub duplicate_count: i32,
    /// `RECEIVED`, `PROCESSED`, `FAILED` or `QUARANTINED`.
    pub outcome: String,
    pub outcome_message: Option<String>,
    pub processed_at: Option<DateTimeUtc>,
    /// The request body, verbatim (for a quarantined body over the size cap: its first 64 KiB).
    pub payload: String,
    /// An edited pull-request comment (not a new one).
    pub comment_edited: bool,
    /// The actor's unique name (e-mail or account) when the payload gives one.
    pub actor_user: Option<String>,
    /// JSON object: identity id (lower case) → display name, for each `@<GUID>` mention resolved.
    pub comment_mentions: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
