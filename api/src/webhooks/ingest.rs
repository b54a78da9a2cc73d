//! Durable ingestion: authenticate, parse, store (insert-or-ignore) and route in one transaction.

use chrono::Utc;
use sea_orm::TransactionTrait;

use super::events;
use super::route::MAX_BODY;
use super::routing;
use crate::domain::WebhookPassword;
use crate::state::AppState;
use crate::store::deliveries::{self, Stored};
use crate::store::integrations as rows;
use crate::store::webhook_passwords::{self, Lookup};

/// What happened to an accepted delivery.
#[derive(Debug)]
pub enum Ingested {
    Stored {
        delivery_id: String,
    },
    /// Already stored: counted, not processed again.
    Duplicate,
}

/// Why a delivery was not stored.
#[derive(Debug)]
pub enum IngestError {
    /// Wrong or missing password, or an unknown integration (indistinguishable on purpose).
    Unauthorized,
    /// The integration was unlinked.
    Gone,
    Malformed,
    TooLarge,
    /// A fault of ours (database busy or down, a key that does not open): worth a retry.
    Unavailable(String),
}

impl From<sea_orm::DbErr> for IngestError {
    fn from(e: sea_orm::DbErr) -> Self {
        IngestError::Unavailable(format!("database: {e}"))
    }
}

/// Stores one delivery; `Ok` only once it is committed.
pub async fn ingest(
    state: &AppState,
    integration_id: &str,
    password: Option<&str>,
    body: &[u8],
) -> Result<Ingested, IngestError> {
    if body.len() > MAX_BODY {
        return Err(IngestError::TooLarge);
    }
    // Not one of our ids: no need to ask the database.
    if uuid::Uuid::parse_str(integration_id).is_err() {
        return Err(IngestError::Unauthorized);
    }
    let model = match webhook_passwords::lookup(&state.db, integration_id).await? {
        Lookup::Live(m) => m,
        Lookup::Unlinked => return Err(IngestError::Gone),
        Lookup::Unknown => return Err(IngestError::Unauthorized),
    };
    let password = password.ok_or(IngestError::Unauthorized)?;
    if !authenticate(state, &model, password).await? {
        return Err(IngestError::Unauthorized);
    }
    let normalized = events::parse(body).map_err(|_| IngestError::Malformed)?;
    let payload = String::from_utf8_lossy(body).into_owned();
    let outcome = routing::decide(normalized.kind(), normalized.repository_id.as_deref());
    let automations = crate::store::automations::list(&state.db, &model.id).await?;
    let txn = state.db.begin().await?;
    match deliveries::insert_or_count(&txn, &model, &normalized, payload, outcome).await? {
        Stored::New(delivery) => {
            let delivery = routing::enqueue_automations(&txn, *delivery, &automations).await?;
            txn.commit().await?;
            crate::metrics::webhook_delivery(normalized.kind().as_str(), "stored");
            routing::after_commit(state, &delivery);
            // Best effort: the delivery is stored; a missed timestamp is not worth a retry.
            if let Err(e) = deliveries::touch_last_delivery(&state.db, &model.id, delivery.received_at).await {
                tracing::warn!(error = %e, "could not update lastDeliveryAt");
            }
            Ok(Ingested::Stored { delivery_id: delivery.id })
        }
        Stored::Duplicate => {
            txn.commit().await?;
            crate::metrics::webhook_delivery(normalized.kind().as_str(), "duplicate");
            tracing::debug!(integration_id, event_id = %normalized.event_id, "duplicate delivery counted");
            Ok(Ingested::Duplicate)
        }
    }
}

/// The current password, or the previous one within its grace window; compared in constant time.
async fn authenticate(
    state: &AppState,
    model: &entity::integration::Model,
    candidate: &str,
) -> Result<bool, IngestError> {
    let current = rows::open_webhook_password(&state.keyring, model)
        .map_err(|e| IngestError::Unavailable(format!("webhook password does not open: {e}")))?;
    if WebhookPassword::from_stored(current).verify(candidate) {
        return Ok(true);
    }
    match webhook_passwords::grace_password(&state.db, &state.keyring, &model.id, Utc::now()).await? {
        Some(Ok(previous)) => Ok(WebhookPassword::from_stored(previous).verify(candidate)),
        Some(Err(e)) => Err(IngestError::Unavailable(format!("previous webhook password does not open: {e}"))),
        None => Ok(false),
    }
}
