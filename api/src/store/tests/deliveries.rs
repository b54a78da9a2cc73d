//! `store::deliveries`: the ledger keeps one row per (integration, event id) and counts the
//! duplicates, in separate calls and within one batch; rows read back per tenant and per kind.

use sea_orm::DatabaseConnection;

use super::fixtures::{delivery, insert_integration, integration, keyring, push, store_delivery, tenant};
use super::on_both_backends;
use crate::domain::service_hook::Normalized;
use crate::store::deliveries::{self, NewDelivery, Stored};
use crate::store::pagination::PageRequest;

const ALL: PageRequest = PageRequest::first(50);

async fn a_repeated_event_is_stored_once_and_counted(db: &DatabaseConnection) {
    let (keys, a) = (keyring(), tenant(db, "a").await);
    let it = integration(db, &keys, &a).await;
    let first = delivery(db, &it, "event-1").await;
    assert_eq!(first.event_id, "event-1");
    assert_eq!(first.kind, "CODE_PUSHED");
    assert_eq!(first.outcome, deliveries::PROCESSED);
    assert_eq!(first.ref_name.as_deref(), Some("refs/heads/main"));

    for _ in 0..2 {
        assert!(matches!(store_delivery(db, &it, &push("event-1")).await, Stored::Duplicate));
    }
    let (page, total) = deliveries::list(db, &it.id, None, &ALL).await.expect("list");
    assert_eq!(total, 1);
    assert_eq!(page.items[0].id, first.id);
    assert_eq!(page.items[0].duplicate_count, 2);

    // The same event id at another integration is another delivery.
    let other = insert_integration(db, &keys, &a, "fabrikam").await.expect("integration");
    assert!(matches!(store_delivery(db, &other, &push("event-1")).await, Stored::New(_)));
}
on_both_backends!(a_repeated_event_is_stored_once_and_counted);

async fn a_batch_with_a_repeat_stores_it_once(db: &DatabaseConnection) {
    let (keys, a) = (keyring(), tenant(db, "a").await);
    let it = integration(db, &keys, &a).await;
    let (x, y) = (push("x"), push("y"));
    let batch = [&x, &y, &x].map(|n| NewDelivery {
        integration: &it,
        normalized: n,
        payload: "{}",
        outcome: (deliveries::RECEIVED, String::new()),
    });
    let outcomes = deliveries::insert_or_count(db, batch.into()).await.expect("insert");
    assert!(matches!(outcomes.as_slice(), [Stored::New(_), Stored::New(_), Stored::Duplicate]), "{outcomes:?}");
    let (page, total) = deliveries::list(db, &it.id, None, &ALL).await.expect("list");
    assert_eq!(total, 2);
    let stored_x = page.items.iter().find(|d| d.event_id == "x").expect("x stored");
    assert_eq!(stored_x.duplicate_count, 1);
    assert!(stored_x.processed_at.is_none(), "a RECEIVED delivery is not processed yet");
}
on_both_backends!(a_batch_with_a_repeat_stores_it_once);

async fn deliveries_read_back_per_tenant_kind_and_outcome(db: &DatabaseConnection) {
    let (keys, a, b) = (keyring(), tenant(db, "a").await, tenant(db, "b").await);
    let it = integration(db, &keys, &a).await;
    let older = delivery(db, &it, "push-1").await;
    let comment = Normalized {
        event_id: "comment-1".to_owned(),
        event_type: "ms.vss-code.git-pullrequest-comment-event".to_owned(),
        comment_text: Some("/bot retry".to_owned()),
        ..Normalized::default()
    };
    let Stored::New(newer) = store_delivery(db, &it, &comment).await else { panic!("comment-1 is new") };

    let (page, total) = deliveries::list(db, &it.id, None, &ALL).await.expect("list");
    assert_eq!(total, 2);
    assert_eq!(page.items.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), [newer.id.as_str(), older.id.as_str()]);
    let (page, total) = deliveries::list(db, &it.id, Some("PULL_REQUEST_COMMENTED"), &ALL).await.expect("list");
    assert_eq!(total, 1);
    assert_eq!(page.items[0].comment_text.as_deref(), Some("/bot retry"));

    assert!(deliveries::get(db, &a.id, &older.id).await.expect("get").is_some());
    assert!(deliveries::get(db, &b.id, &older.id).await.expect("get").is_none(), "not another tenant's");

    deliveries::set_outcome(db, &older.id, deliveries::FAILED, Some("receiver down".to_owned())).await.expect("set");
    let got = deliveries::get(db, &a.id, &older.id).await.expect("get").expect("found");
    assert_eq!(got.outcome, deliveries::FAILED);
    assert_eq!(got.outcome_message.as_deref(), Some("receiver down"));
    assert!(got.processed_at.is_some());
}
on_both_backends!(deliveries_read_back_per_tenant_kind_and_outcome);
