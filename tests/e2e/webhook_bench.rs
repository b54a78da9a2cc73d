//! Durable ingest rate (deliveries/s committed before their 200), on SQLite and PostgreSQL.
//! Ignored by default: `cargo test --release --test e2e webhook_bench -- --ignored --nocapture`.
//!
//! Measured 2026-11-22 on the 2-core dev box (client and server in one process, another build
//! running): release 1169/s SQLite, 540/s PostgreSQL 15 (local, fsync and synchronous_commit on); debug 265/s and 174/s.

use fake_azure::payloads::{Event, Payload};
use futures::StreamExt;

use crate::support::{Backend, TestApp, spawn_with};
use crate::webhooks::{deliver, deliveries, integration};

const DELIVERIES: usize = 2_000;
const CONCURRENCY: usize = 16;

async fn measure(app: TestApp) {
    let (id, endpoint, password) = integration(&app).await;
    let bodies: Vec<Vec<u8>> =
        (0..DELIVERIES).map(|i| Payload::new(Event::ALL[i % 6], "https://dev.azure.com/contoso").body()).collect();
    let started = std::time::Instant::now();
    let statuses: Vec<u16> = futures::stream::iter(bodies)
        .map(|b| {
            let (app, endpoint, password) = (&app, &endpoint, &password);
            async move { deliver(app, endpoint, Some(password), b).await.status().as_u16() }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let elapsed = started.elapsed();
    assert!(statuses.iter().all(|s| *s == 200));
    assert_eq!(deliveries(&app, &id, None).await["totalCount"], DELIVERIES);
    println!(
        "ingest {:?}: {DELIVERIES} deliveries, {CONCURRENCY} concurrent, {:.2}s, {:.0} deliveries/s",
        app.backend,
        elapsed.as_secs_f64(),
        DELIVERIES as f64 / elapsed.as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture"]
async fn durable_ingest_rate() {
    let unlimited = |c: &mut vcslink_api::config::Config| c.webhook_rate_limit = 0;
    measure(spawn_with(Backend::Sqlite, unlimited).await.expect("sqlite")).await;
    if let Some(app) = spawn_with(Backend::Postgres, unlimited).await {
        measure(app).await;
    }
}
