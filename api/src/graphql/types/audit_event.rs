//! `AuditEvent`: one administrative act. Never holds a secret.

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::{ID, SimpleObject};

use crate::domain::global_id::{Kind, encode};

/// Who did what to which object, and when.
#[derive(SimpleObject)]
pub struct AuditEvent {
    /// The event's id (raw, not a global ID: audit events are not nodes).
    pub id: ID,
    /// What was done, as `object.verb`: for example `integration.create`, `integration.unlink`, `api_token.revoke`.
    pub action: String,
    /// The platform user who acted (`cli` for the command line).
    pub actor: String,
    /// The global ID of the API token the act was done with (see `Viewer.tokenId`); null for the
    /// command line. An ADMIN minting a token for someone else is told apart by it.
    pub actor_token_id: Option<ID>,
    /// The raw id of the object acted on.
    pub target_id: Option<String>,
    /// JSON object with non-secret details (names, changed fields, outcomes).
    pub details: String,
    /// When it happened.
    pub created_at: Timestamp,
}

impl From<entity::audit_event::Model> for AuditEvent {
    fn from(m: entity::audit_event::Model) -> Self {
        AuditEvent {
            id: ID(m.id),
            action: m.action,
            actor: m.actor,
            actor_token_id: m.token_id.map(|t| encode(Kind::ApiToken, &t).into()),
            target_id: m.target_id,
            details: m.details,
            created_at: m.created_at.into(),
        }
    }
}
