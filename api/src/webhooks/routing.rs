//! Routing a stored delivery: what it changes (the browse cache) and who hears of it.
//!
//! Runs inside the transaction that stored the delivery (so "stored" and "routed" commit together
//! and a duplicate is never routed twice), and again on `replayDelivery`.

use entity::webhook_delivery as delivery;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use super::events::EventKind;
use crate::state::AppState;
use crate::store::deliveries;
use crate::upstream::invalidate::invalidate_repository;

/// Routes `d` and records the outcome on it; returns the updated row.
pub async fn route_in(db: &impl ConnectionTrait, d: &delivery::Model) -> Result<delivery::Model, DbErr> {
    let kind = EventKind::parse(&d.kind);
    let message = match (kind, &d.repository_id) {
        (EventKind::Other, _) => "stored; no routing for this event type".to_owned(),
        (k, Some(_)) if k.invalidates_repository() => "repository cache invalidated".to_owned(),
        _ => "stored".to_owned(),
    };
    deliveries::set_outcome(db, &d.id, deliveries::PROCESSED, Some(message)).await?;
    delivery::Entity::find_by_id(d.id.clone())
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the delivery being routed".into()))
}

/// What only happens once the routing committed: in-memory effects.
pub fn after_commit(state: &AppState, d: &delivery::Model) {
    let kind = EventKind::parse(&d.kind);
    if kind.invalidates_repository()
        && let Some(repo) = &d.repository_id
    {
        invalidate_repository(state, &d.integration_id, repo);
    }
}
