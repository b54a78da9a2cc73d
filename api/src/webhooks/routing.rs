//! Routing a stored delivery: what it changes (the browse cache) and who hears of it.
//!
//! Decided inside the transaction that stores the delivery (so "stored" and "routed" commit
//! together and a duplicate is never routed twice), and again on `replayDelivery`.

use entity::webhook_delivery as delivery;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use super::events::EventKind;
use crate::state::AppState;
use crate::store::deliveries;
use crate::upstream::invalidate::invalidate_repository;

/// The outcome routing gives a delivery of `kind` (about `repository_id`), decided before it is
/// stored so that a new delivery is written once, already routed.
pub fn decide(kind: EventKind, repository_id: Option<&str>) -> (&'static str, String) {
    let message = match (kind, repository_id) {
        (EventKind::Other, _) => "stored; no routing for this event type",
        (k, Some(_)) if k.invalidates_repository() => "repository cache invalidated",
        _ => "stored",
    };
    (deliveries::PROCESSED, message.to_owned())
}

/// Routes a stored delivery again (`replayDelivery`) and records the outcome; returns the updated row.
pub async fn route_in(db: &impl ConnectionTrait, d: &delivery::Model) -> Result<delivery::Model, DbErr> {
    let (outcome, message) = decide(EventKind::parse(&d.kind), d.repository_id.as_deref());
    deliveries::set_outcome(db, &d.id, outcome, Some(message)).await?;
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
