//! `replayDelivery`: route a stored delivery again, in one transaction with its audit line.

use super::routing;
use crate::error::ApiError;
use crate::store::{self, audit::Actor};
use crate::webhooks::Inbox;

pub async fn replay(state: &Inbox, actor: &Actor, id: &str) -> Result<entity::webhook_delivery::Model, ApiError> {
    let txn = crate::store::begin_write(&state.db).await?;
    let delivery = store::deliveries::get(&txn, &actor.tenant_id, id).await?.ok_or(ApiError::not_found("delivery"))?;
    let (routed, plan) = routing::replan(&txn, delivery).await?;
    let details = serde_json::json!({ "integrationId": routed.integration_id, "eventType": routed.event_type });
    store::audit::record(&txn, actor, "delivery.replay", Some(id), details).await?;
    txn.commit().await?;
    if let Some(repository_id) = &plan.invalidates {
        state.upstream.cache.invalidate_repository(&routed.integration_id, repository_id);
    }
    Ok(routed)
}
