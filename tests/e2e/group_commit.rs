//! Group commit: deliveries that arrive together share one transaction, none is answered before its
//! transaction committed, and one delivery that cannot be stored costs the others nothing.
//!
//! The database's write lock is held from the side while a burst arrives, so the burst is sure to
//! queue behind one commit; the server runs as its own process so its metrics are its own.

use std::time::Duration;

use fake_azure::payloads::{Event, Payload};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, TransactionTrait};

use crate::support::integrations::webhook_integration;
use crate::support::webhooks::deliveries;
use crate::support::{Backend, TestApp, on_both_backends};

/// Takes the write lock of the deliveries table in a transaction of a side connection.
async fn hold_write_lock(app: &TestApp, side: &DatabaseConnection) -> DatabaseTransaction {
    let txn = side.begin().await.expect("begin");
    let sql = match app.backend {
        Backend::Sqlite => "CREATE TABLE write_lock_held (x INTEGER)",
        Backend::Postgres => "LOCK TABLE webhook_deliveries IN SHARE ROW EXCLUSIVE MODE",
    };
    txn.execute_unprepared(sql).await.expect("take the write lock");
    txn
}

/// One unlabelled metric of a Prometheus text, 0 when absent.
fn metric(text: &str, name: &str) -> f64 {
    text.lines().find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse::<f64>().ok())).unwrap_or(0.0)
}

/// `(count, sum)` of the server's commit batch sizes.
async fn batches(app: &TestApp, base: &str) -> (f64, f64) {
    let text = app.http.get(format!("{base}/metrics")).send().await.expect("metrics").text().await.expect("text");
    let read = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse::<f64>().ok()))
            .unwrap_or_else(|| panic!("{name} in {text}"))
    };
    (read("vcslink_webhook_commit_batch_size_count"), read("vcslink_webhook_commit_batch_size_sum"))
}

async fn a_burst_shares_commits_and_no_delivery_is_answered_before_its_commit(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    let (_child, base) = app.spawn_process(&[]).await;
    let endpoint = format!("{base}/webhooks/{}", endpoint.split_once("/webhooks/").expect("path").1);
    let side = Database::connect(&app.config.database_url).await.expect("side connection");
    let lock = hold_write_lock(&app, &side).await;

    const N: usize = 40;
    let mut sends = Vec::new();
    for _ in 0..N {
        let body = Payload::new(Event::Push, "https://dev.azure.com/contoso").body();
        let (http, endpoint, password) = (app.http.clone(), endpoint.clone(), password.clone());
        sends.push(tokio::spawn(async move { post(&http, &endpoint, Some(&password), body).await }));
    }
    // A refusal is told apart and never reaches the writer; a body that cannot be used is stored
    // QUARANTINED like any other authenticated delivery (Azure DevOps would put the subscription on
    // probation after a 400).
    let (http, e, p) = (app.http.clone(), endpoint.clone(), password.clone());
    let wrong = tokio::spawn(async move { post(&http, &e, Some("not-the-password-at-all"), b"{}".to_vec()).await });
    let (http, e) = (app.http.clone(), endpoint.clone());
    let quarantined = tokio::spawn(async move { post(&http, &e, Some(&p), b"[1, 2]".to_vec()).await });

    // Wait (on the server's own counters, not the clock) until every accepted delivery reached a
    // writer: taken into a batch (blocked at the lock) or queued behind it.
    let reached = |text: &str| {
        metric(text, "vcslink_webhook_commit_batch_size_sum") + metric(text, "vcslink_webhook_queue_depth")
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let text = app.http.get(format!("{base}/metrics")).send().await.expect("metrics").text().await.expect("text");
        if reached(&text) >= (N + 1) as f64 || std::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(sends.iter().all(|s| !s.is_finished()), "a delivery was answered while its commit could not happen");
    lock.rollback().await.expect("release the lock");

    for s in sends {
        assert_eq!(s.await.expect("task"), 200);
    }
    assert_eq!(wrong.await.expect("task"), 401);
    assert_eq!(quarantined.await.expect("task"), 200);
    assert_eq!(deliveries(&app, &id, None).await["totalCount"], N + 1);
    let (count, sum) = batches(&app, &base).await;
    assert_eq!(sum, (N + 1) as f64, "every accepted delivery went through a writer, and only those");
    // A first delivery per writer (one on SQLite, two on PostgreSQL) waits at the lock; the rest
    // queue meanwhile and go in one batch, at most two.
    assert!(count <= 4.0, "{N} deliveries queued behind one lock took {count} commits");
    side.close().await.ok();
}
on_both_backends!(a_burst_shares_commits_and_no_delivery_is_answered_before_its_commit);

async fn a_delivery_that_cannot_be_stored_does_not_fail_the_rest_of_its_batch(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    let side = Database::connect(&app.config.database_url).await.expect("side connection");
    // The database refuses one event id, as it might refuse a row for a reason of its own.
    let refuse = match app.backend {
        Backend::Sqlite => vec![
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON webhook_deliveries WHEN NEW.event_id = 'poison' \
             BEGIN SELECT RAISE(ABORT, 'refused'); END",
        ],
        Backend::Postgres => vec![
            "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.event_id = 'poison' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$",
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON webhook_deliveries \
             FOR EACH ROW EXECUTE FUNCTION refuse_poison()",
        ],
    };
    for sql in refuse {
        side.execute_unprepared(sql).await.expect("trigger");
    }
    let lock = hold_write_lock(&app, &side).await;
    let mut sends = Vec::new();
    for n in 0..10 {
        let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
        let p = if n == 5 { p.id("poison") } else { p };
        let (http, endpoint, password) = (app.http.clone(), endpoint.clone(), password.clone());
        sends.push(tokio::spawn(async move { post(&http, &endpoint, Some(&password), p.body()).await }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    lock.rollback().await.expect("release the lock");
    let mut statuses = Vec::new();
    for s in sends {
        statuses.push(s.await.expect("task"));
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 9, "{statuses:?}");
    assert_eq!(statuses[5], 503, "{statuses:?}");
    assert_eq!(deliveries(&app, &id, None).await["totalCount"], 9);
    side.close().await.ok();
}
on_both_backends!(a_delivery_that_cannot_be_stored_does_not_fail_the_rest_of_its_batch);

async fn post(http: &reqwest::Client, endpoint: &str, password: Option<&str>, body: Vec<u8>) -> u16 {
    let mut req = http.post(endpoint).header("content-type", "application/json").body(body);
    if let Some(pw) = password {
        req = req.basic_auth("ado-hook", Some(pw));
    }
    req.send().await.expect("delivery").status().as_u16()
}
