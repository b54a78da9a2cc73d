//! `Automation` and `AutomationRun`: where matching deliveries are forwarded, and each send's fate.

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::automation::Model;

use super::delivery::WebhookEventType;
use super::integration::SecretInfo;
use crate::domain::WebhookPassword;
use crate::domain::global_id::{Kind, encode};
use crate::domain::service_hook::EventKind;
use crate::error::ApiError;
use crate::graphql::context;
use crate::store::automations as rows;

/// Deliveries matching every filter are POSTed as JSON to `targetUrl`, signed with
/// `X-Vcslink-Timestamp` and `X-Vcslink-Signature: sha256=<HMAC-SHA256(secret, timestamp.body)>`.
pub struct Automation(pub Model);

/// Where matching deliveries are forwarded: deliveries matching every filter are POSTed as JSON to
/// `targetUrl` with `X-Vcslink-Timestamp: <unix seconds>` and `X-Vcslink-Signature:
/// sha256=<hex HMAC-SHA256 of timestamp + "." + body with the secret>`; receivers refuse a
/// timestamp more than 5 minutes from their clock.
#[Object]
impl Automation {
    /// Global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::Automation, &self.0.id).into()
    }

    /// A name for people.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The event types it reacts to.
    async fn event_types(&self) -> Vec<WebhookEventType> {
        rows::event_types(&self.0).iter().map(|t| EventKind::parse(t).into()).collect()
    }

    /// Only deliveries of this project (name or id, case-insensitive); null: any.
    async fn project(&self) -> Option<&str> {
        self.0.project.as_deref()
    }

    /// Only deliveries of this repository (name or id, case-insensitive); null: any.
    async fn repository(&self) -> Option<&str> {
        self.0.repository.as_deref()
    }

    /// Branch glob (`*`, `?`) on the pushed branch or a pull request's target; null: any.
    async fn branch(&self) -> Option<&str> {
        self.0.branch.as_deref()
    }

    /// Only comment events whose text contains this phrase (case-insensitive); null: any event.
    async fn trigger_phrase(&self) -> Option<&str> {
        self.0.trigger_phrase.as_deref()
    }

    /// Where deliveries are POSTed.
    async fn target_url(&self) -> &str {
        &self.0.target_url
    }

    /// Whether sends are signed (always true for automations created here). Never the secret.
    async fn secret_set(&self) -> bool {
        self.0.secret_sealed.is_some()
    }

    /// The signing secret, described without its value: its last 4 characters, when it was set,
    /// and its version (for a provider's `_wo_version`); null when sends are not signed.
    async fn secret(&self, ctx: &Context<'_>) -> Result<Option<SecretInfo>, ApiError> {
        let keyring = &context::automations(ctx)?.keyring;
        let Some(secret) = rows::open_secret(keyring, &self.0).map_err(ApiError::internal)? else {
            return Ok(None);
        };
        Ok(Some(SecretInfo {
            hint: WebhookPassword::from_stored(secret).hint(),
            set_at: self.0.secret_set_at.unwrap_or(self.0.created_at).into(),
            expires_at: None,
            version: self.0.secret_version,
        }))
    }

    /// When it was created.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }
}

/// The state of one send.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AutomationRunStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// The target answered 2xx.
    Sent,
    /// Gave up after the last attempt.
    Failed,
}

/// One send of a delivery to an automation's target.
#[derive(SimpleObject)]
pub struct AutomationRun {
    /// The automation's global ID (it may have been deleted since).
    pub automation_id: ID,
    /// Where the send stands.
    pub status: AutomationRunStatus,
    /// Attempts made so far.
    pub attempts: i32,
    /// The target's last HTTP status; null before an answer.
    pub response_status: Option<i32>,
    /// Why the last attempt failed; null after success.
    pub last_error: Option<String>,
    /// When the next attempt is due (for PENDING).
    pub next_attempt_at: Timestamp,
}

impl From<entity::automation_outbox::Model> for AutomationRun {
    fn from(m: entity::automation_outbox::Model) -> Self {
        AutomationRun {
            automation_id: encode(Kind::Automation, &m.automation_id).into(),
            status: match m.status.as_str() {
                "SENT" => AutomationRunStatus::Sent,
                "FAILED" => AutomationRunStatus::Failed,
                _ => AutomationRunStatus::Pending,
            },
            attempts: m.attempts,
            response_status: m.response_status,
            last_error: m.last_error,
            next_attempt_at: m.next_attempt_at.into(),
        }
    }
}
