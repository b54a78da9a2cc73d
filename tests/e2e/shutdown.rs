//! SIGTERM: the server stops accepting, drains the request in flight, and exits 0.

use std::time::Duration;

use fake_azure::Behaviour;
use serde_json::json;

use crate::support::integrations::{pat_integration, webhook_integration};
use crate::support::webhooks::{deliveries, nodes};
use crate::support::{ADMIN_TOKEN, on_both_backends, spawn_app};

#[tokio::test]
async fn sigterm_drains_the_request_in_flight_then_exits_zero() {
    let app = spawn_app().await;
    let id = pat_integration(&app, json!({})).await;
    let (mut child, base) = app.spawn_process(&[("VCSLINK_ALLOW_PRIVATE_UPSTREAMS", "true")]).await;
    // A request that takes a second upstream, in flight when SIGTERM arrives.
    app.fake.set_behaviour("contoso", Behaviour::Slow(Duration::from_millis(1200)));
    let query =
        "query($id: ID!) { repository(integrationId: $id, fullName: \"contoso/Platform/api-gateway\") { name } }";
    let slow = app
        .http
        .post(format!("{base}/graphql"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "query": query, "variables": { "id": id } }))
        .send();
    let in_flight = tokio::spawn(slow);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = child.id().expect("pid").to_string();
    let killed = tokio::process::Command::new("kill").args(["-TERM", &pid]).status().await.expect("kill");
    assert!(killed.success());
    let answer = in_flight.await.expect("join").expect("the in-flight request is answered");
    let body: serde_json::Value = answer.json().await.expect("json");
    assert_eq!(body["data"]["repository"]["name"], "api-gateway", "{body}");
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait()).await.expect("exits").expect("status");
    assert!(status.success(), "exit status {status:?}");
}

/// `kill -9` while deliveries are in flight: every delivery that was acknowledged is stored.
async fn kill_dash_nine_under_webhook_load_loses_no_acknowledged_delivery(app: crate::support::TestApp) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use fake_azure::payloads::{Event, Payload};

    let (id, endpoint, password) = webhook_integration(&app).await;
    let (mut child, base) = app.spawn_process(&[("VCSLINK_ALLOW_PRIVATE_UPSTREAMS", "true")]).await;
    let url = format!("{base}/webhooks/{}", endpoint.split_once("/webhooks/").expect("path").1);
    let acked = Arc::new(AtomicUsize::new(0));
    let mut sends = Vec::new();
    for _ in 0..60 {
        let (http, url, password, acked) = (app.http.clone(), url.clone(), password.clone(), acked.clone());
        let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
        sends.push(tokio::spawn(async move {
            let resp = http.post(&url).basic_auth("ado-hook", Some(&password)).body(p.body()).send().await;
            let ok = resp.is_ok_and(|r| r.status() == 200);
            if ok {
                acked.fetch_add(1, Ordering::SeqCst);
            }
            (p.id.clone(), ok)
        }));
    }
    while acked.load(Ordering::SeqCst) < 10 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    child.kill().await.expect("SIGKILL");
    let mut acknowledged = Vec::new();
    for s in sends {
        let (event_id, ok) = s.await.expect("join");
        if ok {
            acknowledged.push(event_id);
        }
    }
    let stored = deliveries(&app, &id, None).await;
    let ids: Vec<String> = nodes(&stored).iter().filter_map(|n| n["eventId"].as_str().map(str::to_owned)).collect();
    for event_id in &acknowledged {
        assert!(ids.contains(event_id), "acknowledged delivery {event_id} was lost");
    }
    eprintln!("kill -9 under load: {} acknowledged, {} stored", acknowledged.len(), ids.len());
}
on_both_backends!(kill_dash_nine_under_webhook_load_loses_no_acknowledged_delivery);
