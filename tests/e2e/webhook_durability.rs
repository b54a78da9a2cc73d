//! Durability: a database fault answers 503 (and the retry is stored), an acknowledged delivery
//! survives a restart and `kill -9`, and two replicas on one database store and send once.

use fake_azure::payloads::{Event, Payload};

use crate::support::automations::{Receiver, create, fast};
use crate::support::integrations::webhook_integration;
use crate::support::webhooks::{deliver, deliveries, nodes};
use crate::support::{TestApp, on_both_backends};

async fn a_database_fault_answers_503_with_retry_after_and_the_retry_is_stored(app: TestApp) {
    use sea_orm::{ConnectionTrait, Database};
    let (id, endpoint, password) = webhook_integration(&app).await;
    let side = Database::connect(&app.config.database_url).await.expect("side connection");
    // The ledger table disappears under the server: every insert fails, as when the database is down.
    side.execute_unprepared("ALTER TABLE webhook_deliveries RENAME TO webhook_deliveries_away").await.expect("rename");
    let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
    let resp = deliver(&app, &endpoint, Some(&password), p.body()).await;
    assert_eq!(resp.status(), 503);
    assert!(resp.headers().get("retry-after").is_some());
    side.execute_unprepared("ALTER TABLE webhook_deliveries_away RENAME TO webhook_deliveries").await.expect("rename");
    side.close().await.ok();
    assert_eq!(deliver(&app, &endpoint, Some(&password), p.body()).await.status(), 200);
    let all = deliveries(&app, &id, None).await;
    assert_eq!(all["totalCount"], 1);
    assert_eq!(nodes(&all)[0]["duplicateCount"], 0);
}
on_both_backends!(a_database_fault_answers_503_with_retry_after_and_the_retry_is_stored);

#[tokio::test]
async fn an_acknowledged_delivery_survives_a_restart() {
    let mut app = crate::support::spawn_app().await;
    let (id, endpoint, password) = webhook_integration(&app).await;
    let p = Payload::new(Event::WorkItemCommented, "https://dev.azure.com/contoso");
    assert_eq!(deliver(&app, &endpoint, Some(&password), p.body()).await.status(), 200);
    app.restart().await;
    let all = deliveries(&app, &id, None).await;
    assert_eq!(all["totalCount"], 1);
}

#[tokio::test]
async fn an_acknowledged_delivery_survives_kill_dash_nine() {
    let app = crate::support::spawn_app().await;
    let (id, endpoint, password) = webhook_integration(&app).await;
    // A second server process on the same database and data dir, killed with SIGKILL after the 200.
    let (mut child, base) = app.spawn_process(&[]).await;
    let path = endpoint.split_once("/webhooks/").expect("path").1;
    let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
    let resp = deliver(&app, &format!("{base}/webhooks/{path}"), Some(&password), p.body()).await;
    assert_eq!(resp.status(), 200);
    child.kill().await.expect("SIGKILL");
    let all = deliveries(&app, &id, None).await;
    assert_eq!(all["totalCount"], 1);
    assert_eq!(nodes(&all)[0]["eventId"], p.id.as_str());
}

async fn two_replicas_store_each_event_once_and_send_each_once(app: TestApp) {
    let receiver = Receiver::start(0).await;
    let (id, endpoint, password) = webhook_integration(&app).await;
    create(
        &app,
        serde_json::json!({ "integrationId": id, "name": "pushes", "eventTypes": ["CODE_PUSHED"],
        "targetUrl": format!("{}/x", receiver.base) }),
    )
    .await;
    // A second replica on the same database, with its own outbox worker.
    let replica = vcslink_api::app::App::build(app.config.clone()).await.expect("second replica");
    let other = endpoint.replacen(&app.base, &format!("http://127.0.0.1:{}", replica.port()), 1);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(replica.run_until(async {
        let _ = stopped.await;
    }));
    const EVENTS: usize = 20;
    let mut ids = Vec::new();
    for _ in 0..EVENTS {
        let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
        let (a, b) = tokio::join!(
            deliver(&app, &endpoint, Some(&password), p.body()),
            deliver(&app, &other, Some(&password), p.body())
        );
        assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
        ids.push(p.id);
    }
    receiver.wait_for("/x", EVENTS).await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let got = receiver.got("/x");
    assert_eq!(got.len(), EVENTS, "each event is sent once, by one replica");
    let mut sent: Vec<String> = got
        .iter()
        .filter_map(|(r, _)| serde_json::from_slice::<serde_json::Value>(&r.body).ok())
        .filter_map(|v| v["eventId"].as_str().map(str::to_owned))
        .collect();
    sent.sort();
    ids.sort();
    assert_eq!(sent, ids);
    let all = deliveries(&app, &id, None).await;
    assert_eq!(all["totalCount"], EVENTS);
    assert!(nodes(&all).iter().all(|n| n["duplicateCount"] == 1));
    let _ = stop.send(());
    let _ = task.await;
}

#[tokio::test]
async fn two_replicas_store_once_and_send_once_on_sqlite() {
    let app = crate::support::spawn_with(crate::support::Backend::Sqlite, fast).await;
    two_replicas_store_each_event_once_and_send_each_once(app.expect("sqlite")).await;
}

#[tokio::test]
async fn two_replicas_store_once_and_send_once_on_postgres() {
    if let Some(app) = crate::support::spawn_with(crate::support::Backend::Postgres, fast).await {
        two_replicas_store_each_event_once_and_send_each_once(app).await;
    }
}
