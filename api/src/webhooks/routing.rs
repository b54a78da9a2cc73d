//! Routing a delivery: its final outcome, what it changes (the browse cache) and which automations
//! hear of it, decided once, before the delivery is written ([`plan`]), and on `replayDelivery`
//! from the stored row ([`replan`]).

use entity::{automation, webhook_delivery as delivery};
use sea_orm::{ConnectionTrait, DbErr};

use super::matching::{Facts, matches};
use crate::domain::service_hook::EventKind;
use crate::store::{deliveries, outbox};

/// What becomes of a delivery: written with this outcome, together with its outbox rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub outcome: &'static str,
    pub message: String,
    /// The automations that hear of it, by id.
    pub automations: Vec<String>,
    /// The repository whose cached reads it makes stale, once it is committed.
    pub invalidates: Option<String>,
}

/// The plan for a delivery with `facts`; a quarantined one (`quarantine` says why) is kept, not routed.
pub fn plan(facts: &Facts<'_>, quarantine: Option<&str>, automations: &[automation::Model]) -> Plan {
    if let Some(reason) = quarantine {
        return Plan {
            outcome: deliveries::QUARANTINED,
            message: reason.to_owned(),
            automations: Vec::new(),
            invalidates: None,
        };
    }
    let invalidates = facts.repository_id.filter(|_| facts.kind.invalidates_repository());
    let base = match (facts.kind, invalidates) {
        (EventKind::Other, _) => "stored; no routing for this event type",
        (_, Some(_)) => "repository cache invalidated",
        _ => "stored",
    };
    let automations: Vec<String> = automations.iter().filter(|a| matches(a, facts)).map(|a| a.id.clone()).collect();
    let message = match automations.len() {
        0 => base.to_owned(),
        n => format!("{base}; {n} automation send(s) queued"),
    };
    Plan { outcome: deliveries::PROCESSED, message, automations, invalidates: invalidates.map(str::to_owned) }
}

/// Routes a stored delivery again (`replayDelivery`) with today's automations: one outcome write and
/// its outbox rows. Returns the row as it now stands and the plan (for [`Plan::invalidates`]).
/// A quarantined delivery stays as it is: there is nothing to route.
pub async fn replan(db: &impl ConnectionTrait, d: delivery::Model) -> Result<(delivery::Model, Plan), DbErr> {
    let quarantine = (d.outcome == deliveries::QUARANTINED).then(|| d.outcome_message.clone().unwrap_or_default());
    let automations = match quarantine {
        Some(_) => Vec::new(),
        None => crate::store::automations::list(db, &d.integration_id).await?,
    };
    let plan = plan(&Facts::from(&d), quarantine.as_deref(), &automations);
    if quarantine.is_some() {
        return Ok((d, plan));
    }
    let processed_at = deliveries::set_outcome(db, &d.id, plan.outcome, Some(plan.message.clone())).await?;
    outbox::enqueue_all(db, &d.id, &plan.automations).await?;
    let d = delivery::Model {
        outcome: plan.outcome.to_owned(),
        outcome_message: Some(plan.message.clone()),
        processed_at: Some(processed_at),
        ..d
    };
    Ok((d, plan))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn automation(id: &str, event: &str, repository: Option<&str>) -> automation::Model {
        automation::Model {
            id: id.into(),
            tenant_id: "t".into(),
            integration_id: "i".into(),
            name: id.into(),
            event_types: format!(r#"["{event}"]"#),
            project: None,
            repository: repository.map(str::to_owned),
            branch: None,
            trigger_phrase: None,
            target_url: "https://hooks.example.net/".into(),
            secret_sealed: None,
            created_at: chrono::Utc::now(),
            secret_version: 1,
            secret_set_at: None,
        }
    }

    fn push<'a>(repository_id: Option<&'a str>) -> Facts<'a> {
        Facts {
            kind: EventKind::CodePushed,
            project: Some("Platform"),
            project_id: None,
            repository: Some("api"),
            repository_id,
            ref_name: Some("refs/heads/main"),
            comment_text: None,
            comment_edited: false,
            mention_names: None,
        }
    }

    #[test]
    fn a_push_invalidates_its_repository_and_names_the_matched_automations() {
        let automations = [
            automation("a1", "CODE_PUSHED", None),
            automation("a2", "CODE_PUSHED", Some("other")),
            automation("a3", "PULL_REQUEST_CREATED", None),
        ];
        let plan = plan(&push(Some("r1")), None, &automations);
        assert_eq!(plan.outcome, deliveries::PROCESSED);
        assert_eq!(plan.automations, vec!["a1".to_owned()]);
        assert_eq!(plan.invalidates.as_deref(), Some("r1"));
        assert_eq!(plan.message, "repository cache invalidated; 1 automation send(s) queued");
    }

    #[test]
    fn a_quarantined_delivery_is_kept_and_routed_nowhere() {
        let plan = plan(&push(Some("r1")), Some("not JSON"), &[automation("a1", "CODE_PUSHED", None)]);
        assert_eq!(plan.outcome, deliveries::QUARANTINED);
        assert_eq!(plan.message, "not JSON");
        assert!(plan.automations.is_empty() && plan.invalidates.is_none());
    }

    #[test]
    fn an_event_without_routing_says_so() {
        let facts = Facts { kind: EventKind::Other, ..push(None) };
        let plan = plan(&facts, None, &[]);
        assert_eq!(
            (plan.outcome, plan.message.as_str()),
            (deliveries::PROCESSED, "stored; no routing for this event type")
        );
    }
}
