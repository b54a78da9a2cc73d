//! `store::outbox`: a due send is claimed by one worker under a lease, retried when due again,
//! and done once sent.

use chrono::{Duration, Utc};
use sea_orm::DatabaseConnection;

use super::fixtures::{automation, delivery, integration, keyring, tenant};
use super::on_both_backends;
use crate::store::outbox;

async fn a_send_is_claimed_once_retried_when_due_and_finished(db: &DatabaseConnection) {
    let (keys, a) = (keyring(), tenant(db, "a").await);
    let it = integration(db, &keys, &a).await;
    let (d, rule) = (delivery(db, &it, "push-1").await, automation(db, &keys, &it, "signing-key").await);
    outbox::enqueue_all(db, &d.id, std::slice::from_ref(&rule.id)).await.expect("enqueue");
    assert_eq!(outbox::pending_count(db).await.expect("count"), 1);

    let now = Utc::now() + Duration::seconds(1);
    let lease = now + Duration::seconds(30);
    let claimed = outbox::claim(db, now, lease, 10).await.expect("claim");
    assert_eq!(claimed.len(), 1);
    assert!(outbox::claim(db, now, lease, 10).await.expect("claim").is_empty(), "a leased send is not claimed again");
    let row = outbox::get(db, &claimed[0]).await.expect("get").expect("row");
    assert_eq!((row.attempts, row.status.as_str()), (1, outbox::PENDING));
    assert_eq!((row.delivery_id.as_str(), row.automation_id.as_str()), (d.id.as_str(), rule.id.as_str()));

    // The receiver failed: back to pending, due in a minute.
    let retry_at = now + Duration::minutes(1);
    outbox::finish(db, &row.id, outbox::PENDING, Some(retry_at), Some(500), Some("HTTP 500".to_owned()))
        .await
        .expect("finish");
    assert!(outbox::claim(db, now, lease, 10).await.expect("claim").is_empty(), "not due yet");
    let later = retry_at + Duration::seconds(1);
    assert_eq!(outbox::claim(db, later, later + Duration::seconds(30), 10).await.expect("claim"), claimed);
    let row = outbox::get(db, &row.id).await.expect("get").expect("row");
    assert_eq!(row.attempts, 2);
    assert_eq!(row.response_status, Some(500));
    assert_eq!(row.last_error.as_deref(), Some("HTTP 500"));

    outbox::finish(db, &row.id, outbox::SENT, None, Some(200), None).await.expect("finish");
    assert_eq!(outbox::pending_count(db).await.expect("count"), 0);
    let sent = outbox::get(db, &row.id).await.expect("get").expect("row");
    assert_eq!((sent.status.as_str(), sent.response_status), (outbox::SENT, Some(200)));
    assert!(sent.lease_until.is_none() && sent.last_error.is_none());
    let far = later + Duration::hours(1);
    assert!(outbox::claim(db, far, far, 10).await.expect("claim").is_empty(), "a sent row is never claimed");
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
    let first = outbox::claim(db, now, lease, 2).await.expect("claim");
    let rest = outbox::claim(db, now, lease, 2).await.expect("claim");
    assert_eq!((first.len(), rest.len()), (2, 1));
    assert!(!first.contains(&rest[0]), "two claims never share a row");
}
on_both_backends!(a_claim_takes_at_most_its_limit);
