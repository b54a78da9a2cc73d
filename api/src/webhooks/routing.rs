//! Routing a stored delivery: what it changes (the browse cache) and which automations hear of it.
//!
//! Decided inside the transaction that stores the delivery (so "stored", "routed" and the outbox
//! rows commit together and a duplicate is never routed twice), and again on `replayDelivery`.

use entity::{automation, webhook_delivery as delivery};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use crate::automations::matching::matches;
use crate::browse::invalidate::invalidate_repository;
use crate::domain::service_hook::EventKind;
use crate::state::AppState;
use crate::store::{deliveries, outbox};

/// The outcome routing gives a delivery of `kind` (about `repository_id`) before automations.
pub fn decide(kind: EventKind, repository_id: Option<&str>) -> (&'static str, String) {
    let message = match (kind, repository_id) {
        (EventKind::Other, _) => "stored; no routing for this event type",
        (k, Some(_)) if k.invalidates_repository() => "repository cache invalidated",
        _ => "stored",
    };
    (deliveries::PROCESSED, message.to_owned())
}

/// Queues a send to every automation `d` matches; records the count in the outcome when non-zero.
/// Returns the delivery as it now stands.
pub async fn enqueue_automations(
    db: &impl ConnectionTrait,
    d: delivery::Model,
    automations: &[automation::Model],
) -> Result<delivery::Model, DbErr> {
    if d.outcome == deliveries::QUARANTINED {
        return Ok(d);
    }
    let matched: Vec<&automation::Model> = automations.iter().filter(|a| matches(a, &d)).collect();
    if matched.is_empty() {
        return Ok(d);
    }
    for a in &matched {
        outbox::enqueue(db, &d.id, &a.id).await?;
    }
    let (outcome, base) = decide(EventKind::parse(&d.kind), d.repository_id.as_deref());
    let message = format!("{base}; {} automation send(s) queued", matched.len());
    deliveries::set_outcome(db, &d.id, outcome, Some(message.clone())).await?;
    Ok(delivery::Model { outcome: outcome.to_owned(), outcome_message: Some(message), ..d })
}

/// Routes a stored delivery again (`replayDelivery`) and records the outcome; returns the updated row.
/// A quarantined delivery stays as it is: there is nothing to route.
pub async fn route_in(db: &impl ConnectionTrait, d: &delivery::Model) -> Result<delivery::Model, DbErr> {
    if d.outcome == deliveries::QUARANTINED {
        return Ok(d.clone());
    }
    let (outcome, message) = decide(EventKind::parse(&d.kind), d.repository_id.as_deref());
    deliveries::set_outcome(db, &d.id, outcome, Some(message)).await?;
    let automations = crate::store::automations::list(db, &d.integration_id).await?;
    let fresh = delivery::Entity::find_by_id(d.id.clone())
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the delivery being routed".into()))?;
    enqueue_automations(db, fresh, &automations).await
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
