//! Durable ingestion: authenticate and parse here, then store (insert-or-ignore) and route in the
//! writer's transaction ([`super::group_commit`]); answered only once that transaction committed.

use axum::body::Bytes;
use zeroize::Zeroizing;

use super::events;
use super::group_commit::{Committed, Submission};
use super::route::MAX_BODY;
use super::routing;
use crate::state::AppState;

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
    password: Option<Zeroizing<String>>,
    body: Bytes,
) -> Result<Ingested, IngestError> {
    if body.len() > MAX_BODY {
        return Err(IngestError::TooLarge);
    }
    // Not one of our ids: no need to ask the database.
    if uuid::Uuid::parse_str(integration_id).is_err() {
        return Err(IngestError::Unauthorized);
    }
    let password = password.as_deref().map(String::as_str);
    let known = state.known_integrations.check(&state.db, &state.keyring, integration_id, password).await?;
    let normalized = events::parse(&body).map_err(|_| IngestError::Malformed)?;
    let kind = normalized.kind().as_str();
    // It parsed as JSON, so it is UTF-8: kept as received, without a copy where the buffer allows.
    let payload = String::from_utf8(Vec::from(body)).map_err(|_| IngestError::Malformed)?;
    let submission = Submission { known, normalized, payload };
    match state.ingest.submit(submission).await? {
        Committed::New(delivery) => {
            crate::metrics::webhook_delivery(kind, "stored");
            routing::after_commit(state, &delivery);
            Ok(Ingested::Stored { delivery_id: delivery.id })
        }
        Committed::Duplicate => {
            crate::metrics::webhook_delivery(kind, "duplicate");
            tracing::debug!(integration_id, "duplicate delivery counted");
            Ok(Ingested::Duplicate)
        }
    }
}
