//! Durable ingestion, decided once: authenticate, read the body, parse, plan the routing
//! ([`super::routing::plan`]), then hand the delivery to the writer ([`super::group_commit`]), which
//! writes it once with its final outcome; answered only once that transaction committed. An
//! authenticated body that cannot be used is stored QUARANTINED, never refused.

use std::sync::Arc;

use zeroize::Zeroizing;

use super::body::{HEAD_BYTES, Received};
use super::group_commit::{Committed, Submission};
use super::known_integrations::Known;
use super::matching::Facts;
use super::{mentions, routing};
use crate::domain::service_hook::{self, EventKind, Normalized};
use crate::webhooks::Inbox;

/// What happened to an accepted delivery.
#[derive(Debug)]
pub enum Ingested {
    Stored {
        delivery_id: String,
        kind: EventKind,
        quarantined: bool,
    },
    /// Already stored: counted, not processed again.
    Duplicate {
        kind: EventKind,
    },
}

/// Why a delivery was not stored.
#[derive(Debug)]
pub enum IngestError {
    /// Too many deliveries for the integration: retry after this long.
    RateLimited(std::time::Duration),
    /// The source address failed to authenticate too often: retry after this long.
    Throttled(std::time::Duration),
    /// Wrong or missing password, or an unknown integration (indistinguishable on purpose).
    Unauthorized,
    /// The integration was unlinked.
    Gone,
    /// A fault of ours (database busy or down, a key that does not open), or a body cut short:
    /// worth a retry.
    Unavailable(String),
}

impl Ingested {
    /// The outcome's name, for the delivery metric and the ingest span.
    pub fn outcome(&self) -> &'static str {
        match self {
            Ingested::Stored { quarantined: true, .. } => "quarantined",
            Ingested::Stored { .. } => "stored",
            Ingested::Duplicate { .. } => "duplicate",
        }
    }
}

impl IngestError {
    /// The outcome's name, for the delivery metric and the ingest span.
    pub fn outcome(&self) -> &'static str {
        match self {
            IngestError::RateLimited(_) => "rate_limited",
            IngestError::Throttled(_) => "throttled",
            IngestError::Unauthorized => "unauthorized",
            IngestError::Gone => "gone",
            IngestError::Unavailable(_) => "unavailable",
        }
    }
}

impl From<sea_orm::DbErr> for IngestError {
    fn from(e: sea_orm::DbErr) -> Self {
        IngestError::Unavailable(format!("database: {e}"))
    }
}

/// Who may deliver for `integration_id` (a UUID: the route refused any other shape first):
/// checked before the body is read.
pub async fn authenticate(
    state: &Inbox,
    integration_id: &str,
    password: Option<Zeroizing<String>>,
) -> Result<Arc<Known>, IngestError> {
    let password = password.as_deref().map(String::as_str);
    state.known_integrations.check(&state.db, &state.keyring, integration_id, password).await
}

/// The normalized delivery and the payload to keep, for a body as received.
pub fn normalize(received: Received, cap: usize) -> (Normalized, String) {
    let mut normalized = if received.oversized {
        Normalized::quarantined(
            &received.sha256,
            format!(
                "quarantined: the body is larger than VCSLINK_WEBHOOK_MAX_BODY_BYTES ({cap}); \
                 the payload holds its first {HEAD_BYTES} bytes"
            ),
        )
    } else {
        service_hook::parse(&received.bytes)
    };
    if let Some(reason) = normalized.quarantine.as_mut() {
        reason.push_str(&format!("; {} bytes, SHA-256 {}", received.size, received.sha256));
    }
    let payload = match String::from_utf8(received.bytes) {
        Ok(text) => text,
        // Only a quarantined body may be other than UTF-8 (JSON is UTF-8): kept readable.
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    (normalized, payload)
}

/// Stores one authenticated delivery; `Ok` only once it is committed.
pub async fn store(state: &Inbox, known: Arc<Known>, received: Received) -> Result<Ingested, IngestError> {
    let (mut normalized, payload) = normalize(received, state.config.webhook_max_body_bytes);
    let kind = normalized.kind();
    if kind == EventKind::PullRequestCommented && !normalized.mentions.is_empty() && mentions::wanted(&known) {
        normalized.mention_names = mentions::resolve(state, &known, &normalized.mentions).await;
    }
    let quarantined = normalized.quarantine.is_some();
    let plan = routing::plan(&Facts::from(&normalized), normalized.quarantine.as_deref(), &known.automations);
    let invalidates = plan.invalidates.clone();
    let integration_id = known.integration.id.clone();
    let submission = Submission { known, normalized, payload, plan };
    match state.ingest.submit(submission).await? {
        Committed::New(delivery) => {
            if let Some(repository_id) = invalidates {
                state.upstream.cache.invalidate_repository(&integration_id, &repository_id);
            }
            Ok(Ingested::Stored { delivery_id: delivery.id, kind, quarantined })
        }
        Committed::Duplicate => {
            tracing::debug!(%integration_id, "duplicate delivery counted");
            Ok(Ingested::Duplicate { kind })
        }
    }
}
