//! `replayDelivery`: route a stored delivery again, in one transaction with its audit line.

use sea_orm::TransactionTrait;

use super::routing;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{self, audit::Actor};

pub async fn replay(state: &AppState, actor: &Actor, id: &str) -> Result<entity::webhook_delivery::Model, ApiError> {
    let txn = state.db.begin().await?;
    let delivery = store::deliveries::get(&txn, &actor.tenant_id, id).await?.ok_or(ApiError::not_found("delivery"))?;
    let routed = routing::route_in(&txn, &delivery).await?;
    let details = serde_json::json!({ "integrationId": routed.integration_id, "eventType": routed.event_type });
    store::audit::record(&txn, actor, "delivery.replay", Some(id), details).await?;
    txn.commit().await?;
    routing::after_commit(state, &routed);
    Ok(routed)
}
