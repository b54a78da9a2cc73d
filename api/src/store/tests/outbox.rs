//! `store::outbox`: a due send is claimed by one worker under a lease, retried when due again,
//! and done once sent; results are fenced by the claim's token; claims share the outbox out.

use chrono::{Duration, Utc};
use sea_orm::DatabaseConnection;

use super::fixtures::{automation, delivery, integration, keyring, tenant};
use super::on_both_backends;
use crate::store::outbox;

const OPEN: outbox::Fairness = outbox::Fairness { per_automation: 100 };

async fn a_send_is_claimed_once_retried_when_due_and_finished(db: &DatabaseConnection) {
    let (keys, a) = (keyring(), tenant(db, "a").await);
    let it = integration(db, &keys, &a).await;
    let (d, rule) = (delivery(db, &it, "push-1").await, automation(db, &keys, &it, "signing-key").await);
    outbox::enqueue_all(db, &d.id, std::slice::from_ref(&rule.id)).await.expect("enqueue");
    assert_eq!(outbox::pending_count(db).await.expect("count"), 1);

    let now = Utc::now() + Duration::seconds(1);
    let lease = now + Duration::seconds(30);
    let claimed = outbox::claim(db, now, lease, 10, OPEN).await.expect("claim");
    assert_eq!(claimed.len(), 1);
    assert!(
        outbox::claim(db, now, lease, 10, OPEN).await.expect("claim").is_empty(),
        "a leased send is not claimed again"
    );
    let row = outbox::get(db, &claimed[0].id).await.expect("get").expect("row");
    assert_eq!((row.attempts, row.status.as_str()), (1, outbox::PENDING));
    assert_eq!((row.delivery_id.as_str(), row.automation_id.as_str()), (d.id.as_str(), rule.id.as_str()));

    // The receiver failed: back to pending, due in a minute.
    let retry_at = now + Duration::minutes(1);
    let done = outbox::finish(db, &claimed[0], outbox::PENDING, Some(retry_at), Some(500), Some("HTTP 500".into()));
    assert!(done.await.expect("finish"));
    assert!(outbox::claim(db, now, lease, 10, OPEN).await.expect("claim").is_empty(), "not due yet");
    let later = retry_at + Duration::seconds(1);
    let again = outbox::claim(db, later, later + Duration::seconds(30), 10, OPEN).await.expect("claim");
    assert_eq!(again.iter().map(|c| &c.id).collect::<Vec<_>>(), [&row.id]);
    assert_ne!(again[0].token, claimed[0].token, "each claim its own token");
    // The first claim lost the row: it can neither renew nor record.
    assert!(!outbox::renew(db, &claimed[0], later + Duration::seconds(60)).await.expect("renew"));
    assert!(!outbox::finish(db, &claimed[0], outbox::SENT, None, Some(200), None).await.expect("fenced"));
    assert!(outbox::renew(db, &again[0], later + Duration::seconds(60)).await.expect("renew"));
    let row = outbox::get(db, &row.id).await.expect("get").expect("row");
    assert_eq!(row.attempts, 2);
    assert_eq!(row.response_status, Some(500));
    assert_eq!(row.last_error.as_deref(), Some("HTTP 500"));

    assert!(outbox::finish(db, &again[0], outbox::SENT, None, Some(200), None).await.expect("finish"));
    assert_eq!(outbox::pending_count(db).await.expect("count"), 0);
    let sent = outbox::get(db, &row.id).await.expect("get").expect("row");
    assert_eq!((sent.status.as_str(), sent.response_status), (outbox::SENT, Some(200)));
    assert!(sent.lease_until.is_none() && sent.last_error.is_none());
    let far = later + Duration::hours(1);
    assert!(outbox::claim(db, far, far, 10, OPEN).await.expect("claim").is_empty(), "a sent row is never claimed");
}
on_both_backends!(a_send_is_claimed_once_retried_when_due_and_finished);

async fn a_claim_takes_at_most_its_limit(db: &DatabaseConnection) {
    let (keys, a) = (keyring(), tenant(db, "a").await);
    let it = integration(db, &keys, &a).await;
    let rule = automation(db, &keys, &it, "signing-key").await;
    for n in 0..3 {
        let d = delivery(db, &it, &format!("push-{n}")).await;
        outbox::enqueue_all(db, &d.id, std::slice::from_ref(&rule.id)).await.expect("enqueue");
    }
    let now = Utc::now() + Duration::seconds(1);
    let lease = now + Duration::seconds(30);
    let first = outbox::claim(db, now, lease, 2, OPEN).await.expect("claim");
    let rest = outbox::claim(db, now, lease, 2, OPEN).await.expect("claim");
    assert_eq!((first.len(), rest.len()), (2, 1));
    assert!(first.iter().all(|c| c.id != rest[0].id), "two claims never share a row");
}
on_both_backends!(a_claim_takes_at_most_its_limit);

async fn one_automations_backlog_never_takes_every_slot(db: &DatabaseConnection) {
    let (keys, a) = (keyring(), tenant(db, "a").await);
    let it = integration(db, &keys, &a).await;
    let (slow, fast) = (automation(db, &keys, &it, "slow-key").await, automation(db, &keys, &it, "fast-key").await);
    for n in 0..20 {
        let d = delivery(db, &it, &format!("push-{n}")).await;
        outbox::enqueue_all(db, &d.id, std::slice::from_ref(&slow.id)).await.expect("enqueue");
    }
    let late = delivery(db, &it, "push-late").await;
    outbox::enqueue_all(db, &late.id, std::slice::from_ref(&fast.id)).await.expect("enqueue");
    let fair = outbox::Fairness { per_automation: 4 };
    let now = Utc::now() + Duration::seconds(1);
    let lease = now + Duration::seconds(30);
    let first = outbox::claim(db, now, lease, 32, fair).await.expect("claim");
    let automations: Vec<String> = {
        let mut ids = Vec::new();
        for c in &first {
            ids.push(outbox::get(db, &c.id).await.expect("get").expect("row").automation_id);
        }
        ids
    };
    assert_eq!(automations.iter().filter(|id| **id == slow.id).count(), 4, "the backlog gets its share");
    assert_eq!(automations.iter().filter(|id| **id == fast.id).count(), 1, "the newcomer is not behind it");
    let next = outbox::claim(db, now, lease, 32, fair).await.expect("claim");
    assert!(next.is_empty(), "the slow target is at its in-flight cap: {next:?}");
    // One of its sends is done: exactly one slot frees.
    let one = first.iter().zip(&automations).find(|(_, a)| **a == slow.id).map(|(c, _)| c);
    assert!(outbox::finish(db, one.expect("a slow send"), outbox::SENT, None, Some(200), None).await.expect("finish"));
    assert_eq!(outbox::claim(db, now, lease, 32, fair).await.expect("claim").len(), 1, "one freed slot, one claim");
}
on_both_backends!(one_automations_backlog_never_takes_every_slot);
