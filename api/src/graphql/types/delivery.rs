//! `WebhookDelivery`: one Service Hook delivery in the ledger, with its normalized fields.

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::webhook_delivery::Model;

use super::automation::AutomationRun;
use crate::domain::global_id::{Kind, encode};
use crate::domain::service_hook::{Commit, EventKind, short_branch};
use crate::error::ApiError;
use crate::graphql::loaders;

/// The Azure DevOps events vcslink understands; anything else is stored as `OTHER`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "EventKind")]
pub enum WebhookEventType {
    /// `git.push`: code pushed to a repository.
    CodePushed,
    /// `git.pullrequest.created`.
    PullRequestCreated,
    /// `git.pullrequest.updated`: status, reviewers, votes or a source push.
    PullRequestUpdated,
    /// `git.pullrequest.merged`: the pull request merge commit was (re)computed.
    PullRequestMergeAttempted,
    /// `ms.vss-code.git-pullrequest-comment-event`: a pull request comment was added or edited.
    PullRequestCommented,
    /// `workitem.commented`.
    WorkItemCommented,
    /// Any other event type (see `rawEventType`).
    Other,
}

/// What routing did with a delivery.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// Stored, not routed yet.
    Received,
    /// Routed.
    Processed,
    /// Routing failed (see `outcomeMessage`); `replayDelivery` runs it again.
    Failed,
    /// Kept and acknowledged, never routed: the body is not JSON, the envelope lacks `id`,
    /// `eventType` or `resource`, the event type is unknown, or the body is larger than
    /// `VCSLINK_WEBHOOK_MAX_BODY_BYTES` (then `payload` holds its first 64 KiB). `outcomeMessage`
    /// says which, with the body's size and SHA-256.
    Quarantined,
}

/// A commit of a push (or of a pull request update).
#[derive(SimpleObject, Clone)]
pub struct WebhookCommit {
    /// The full commit SHA.
    pub id: String,
    /// The commit message (possibly truncated by Azure DevOps); null when absent.
    pub message: Option<String>,
    /// The author's name; null when absent.
    pub author: Option<String>,
}

/// One Service Hook delivery as received: stored before it was acknowledged.
pub struct WebhookDelivery(pub Model);

/// One Service Hook delivery as received: stored before it was acknowledged.
#[Object]
impl WebhookDelivery {
    /// Global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::WebhookDelivery, &self.0.id).into()
    }

    /// The envelope's `id`: deliveries of the same event share it (the dedup key).
    async fn event_id(&self) -> &str {
        &self.0.event_id
    }

    /// The normalized event type.
    async fn event_type(&self) -> WebhookEventType {
        EventKind::parse(&self.0.kind).into()
    }

    /// The envelope's `eventType` as sent, e.g. `git.push`.
    async fn raw_event_type(&self) -> &str {
        &self.0.event_type
    }

    /// The envelope's `notificationId`; null when absent (not every payload has one).
    async fn notification_id(&self) -> Option<String> {
        self.0.notification_id.map(|n| n.to_string())
    }

    /// The Azure DevOps subscription that sent it; null when absent.
    async fn subscription_id(&self) -> Option<&str> {
        self.0.subscription_id.as_deref()
    }

    /// `tfs` in real payloads; null when absent.
    async fn publisher_id(&self) -> Option<&str> {
        self.0.publisher_id.as_deref()
    }

    /// `1.0` or `2.0`; null when absent.
    async fn resource_version(&self) -> Option<&str> {
        self.0.resource_version.as_deref()
    }

    /// Lower-case organization (or collection) name from the payload's URLs; null when none.
    async fn organization(&self) -> Option<&str> {
        self.0.organization.as_deref()
    }

    /// Project name; null when the payload does not name it.
    async fn project(&self) -> Option<&str> {
        self.0.project.as_deref()
    }

    /// Project GUID; null when absent.
    async fn project_id(&self) -> Option<&str> {
        self.0.project_id.as_deref()
    }

    /// Repository name; null for work-item events or when the payload does not name it.
    async fn repository(&self) -> Option<&str> {
        self.0.repository.as_deref()
    }

    /// Repository GUID; null for work-item events.
    async fn repository_id(&self) -> Option<&str> {
        self.0.repository_id.as_deref()
    }

    /// Full ref: the pushed ref, or a pull request's target (`refs/heads/main`); null when none.
    #[graphql(name = "ref")]
    async fn ref_name(&self) -> Option<&str> {
        self.0.ref_name.as_deref()
    }

    /// Short branch name of `ref` (`main`); null when none.
    async fn branch(&self) -> Option<&str> {
        self.0.ref_name.as_deref().map(short_branch)
    }

    /// A pull request's source branch, short (`feature/x`); null for other events.
    async fn source_branch(&self) -> Option<&str> {
        self.0.source_ref_name.as_deref().map(short_branch)
    }

    /// Pushed commits (empty when none).
    async fn commits(&self) -> Vec<WebhookCommit> {
        let list: Vec<Commit> =
            self.0.commits.as_deref().and_then(|c| serde_json::from_str(c).ok()).unwrap_or_default();
        list.into_iter().map(|c| WebhookCommit { id: c.id, message: c.message, author: c.author }).collect()
    }

    /// The pull request number for pull-request events; null otherwise.
    async fn pull_request_number(&self) -> Option<i32> {
        self.0.pull_request_number
    }

    /// The work item id for work-item events; null otherwise.
    async fn work_item_id(&self) -> Option<i32> {
        self.0.work_item_id
    }

    /// Who acted (display name): the pusher, the pull request's creator (created), the identity the
    /// message names (updated, merge attempted; else `closedBy` of a completed one; never the author
    /// by default), the comment's author, the work item's last changer; null when unknown.
    async fn actor(&self) -> Option<&str> {
        self.0.actor.as_deref()
    }

    /// The actor's unique name (e-mail or account) when the payload gives one; null otherwise.
    async fn actor_user(&self) -> Option<&str> {
        self.0.actor_user.as_deref()
    }

    /// Whether a pull request comment event is an edit of an earlier comment (its content changed
    /// after it was published); an edit triggers no automation. False for other events.
    async fn comment_edited(&self) -> bool {
        self.0.comment_edited
    }

    /// The comment text of comment events; null otherwise.
    async fn comment_text(&self) -> Option<&str> {
        self.0.comment_text.as_deref()
    }

    /// When Azure DevOps created the event; null when absent.
    async fn created_at(&self) -> Option<Timestamp> {
        self.0.event_created_at.map(Into::into)
    }

    /// When vcslink first stored it.
    async fn received_at(&self) -> Timestamp {
        self.0.received_at.into()
    }

    /// How many more times the same event arrived (acknowledged, not processed again).
    async fn duplicate_count(&self) -> i32 {
        self.0.duplicate_count
    }

    /// What routing did.
    async fn outcome(&self) -> DeliveryOutcome {
        match self.0.outcome.as_str() {
            "PROCESSED" => DeliveryOutcome::Processed,
            "FAILED" => DeliveryOutcome::Failed,
            "QUARANTINED" => DeliveryOutcome::Quarantined,
            _ => DeliveryOutcome::Received,
        }
    }

    /// A sentence on the outcome; null before routing.
    async fn outcome_message(&self) -> Option<&str> {
        self.0.outcome_message.as_deref()
    }

    /// When routing last ran; null before.
    async fn processed_at(&self) -> Option<Timestamp> {
        self.0.processed_at.map(Into::into)
    }

    /// The request body exactly as received (JSON text); for a QUARANTINED body that is not UTF-8,
    /// a lossy reading of it, and for one over the size cap, its first 64 KiB.
    async fn payload(&self) -> &str {
        &self.0.payload
    }

    /// Each send to a matching automation, with its status and attempts (oldest first).
    async fn automation_runs(&self, ctx: &Context<'_>) -> Result<Vec<AutomationRun>, ApiError> {
        let runs = loaders::automation_runs::of(ctx, &self.0.id).await?;
        Ok(runs.into_iter().map(AutomationRun::from).collect())
    }
}
