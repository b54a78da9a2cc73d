//! Subscription root: `webhookDeliveries` over `/graphql/ws`.
//!
//! New deliveries are read from the database (not an in-process channel), so a subscriber on one
//! replica also sees deliveries another replica stored. They are paged by id (ids are
//! time-ordered), [`PAGE`] at a time, so a burst of any size streams through instead of stalling;
//! once caught up, each poll re-reads the last [`OVERLAP`] (a delivery committed late, under an
//! older id, is not missed) and drops what it already streamed.

use std::collections::HashMap;
use std::time::Duration;

use async_graphql::{Context, ID, Subscription as SubscriptionObject};
use chrono::{DateTime, Utc};
use futures::Stream;
use futures::stream::{self, StreamExt};

use crate::domain::global_id::{Kind, decode};
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::delivery::WebhookDelivery;
use crate::store;

/// How often a subscription looks for new deliveries.
const POLL: Duration = Duration::from_millis(250);
/// Re-read this far back each poll, so a delivery committed late (an older id) is not missed.
const OVERLAP: chrono::TimeDelta = chrono::TimeDelta::seconds(5);
/// Deliveries read per query.
const PAGE: u64 = 500;

#[derive(Default)]
pub struct Subscription;

struct Cursor {
    db: sea_orm::DatabaseConnection,
    integration_id: String,
    /// When the subscription started: nothing older is streamed.
    start: DateTime<Utc>,
    /// The arrival of the newest delivery streamed (the overlap is counted back from it).
    since: DateTime<Utc>,
    /// Where the next page starts (an id); `None`: caught up, start from the overlap again.
    scan: Option<String>,
    /// Ids already streamed within the overlap window, with their arrival.
    seen: HashMap<String, DateTime<Utc>>,
    /// Whether the subscription selects `payload` (else bodies are never read).
    with_payload: bool,
}

/// Live streams over `/graphql/ws`.
#[SubscriptionObject]
impl Subscription {
    /// ADMIN: every delivery stored for the integration from now on (duplicates are not new). The
    /// body (`payload`) is read only when the subscription selects it.
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration whose deliveries to stream (global ID).")] integration_id: ID,
    ) -> Result<impl Stream<Item = WebhookDelivery> + use<>, ApiError> {
        let p = context::admin(ctx)?;
        let db = context::db(ctx)?.clone();
        let id = decode(Kind::AzureDevOpsIntegration, &integration_id, "integration", "integrationId")?;
        store::integrations::get(&db, &p.tenant_id, &id).await?.ok_or(ApiError::not_found("integration"))?;
        let now = Utc::now();
        let with_payload = ctx.look_ahead().field("payload").exists();
        let cursor =
            Cursor { db, integration_id: id, start: now, since: now, scan: None, seen: HashMap::new(), with_payload };
        Ok(stream::unfold(cursor, next_batch).flat_map(stream::iter))
    }
}

async fn next_batch(mut c: Cursor) -> Option<(Vec<WebhookDelivery>, Cursor)> {
    loop {
        let floor = || store::retention::first_id_at(c.since - OVERLAP);
        let after = match c.scan.take() {
            Some(at) => at,
            None => {
                tokio::time::sleep(POLL).await;
                floor()
            }
        };
        let rows = match store::deliveries::after_id(&c.db, &c.integration_id, &after, PAGE, c.with_payload).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(error = %e, "delivery subscription poll failed; retrying");
                continue;
            }
        };
        // A full page: the next one follows at once; a short one: caught up.
        c.scan = (rows.len() as u64 == PAGE).then(|| rows.last().map(|d| d.id.clone())).flatten();
        let fresh: Vec<_> = rows
            .into_iter()
            .filter(|d| d.received_at >= c.start && c.seen.insert(d.id.clone(), d.received_at).is_none())
            .collect();
        if let Some(latest) = fresh.iter().map(|d| d.received_at).max() {
            c.since = c.since.max(latest);
        }
        // Forget what fell out of the overlap window: it is never read again.
        let from = c.since - OVERLAP;
        c.seen.retain(|_, at| *at >= from);
        if !fresh.is_empty() {
            return Some((fresh.into_iter().map(WebhookDelivery).collect(), c));
        }
    }
}
