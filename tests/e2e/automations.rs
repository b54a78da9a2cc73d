//! Automations: the filter matrix, HMAC signatures checked by a receiver, retries after failures,
//! and the outbox resumed after a restart.

use std::time::Duration;

use fake_azure::payloads::{Event, Payload};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::automations::{CREATE, Receiver, create, fast};
use crate::support::integrations::webhook_integration;
use crate::support::webhooks::deliver;
use crate::support::{Backend, TestApp, error_code, spawn_with};

/// HMAC-SHA256 written out here, independent of the server's implementation.
fn hmac_sha256(key: &[u8], msg: &[u8]) -> String {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).chain(msg.iter().copied()).collect();
    let inner = Sha256::digest(&ipad);
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(inner.iter().copied()).collect();
    hex::encode(Sha256::digest(&opad))
}

/// What a receiver checks: `X-Vcslink-Signature` is `sha256=` HMAC(secret, timestamp "." body),
/// with `X-Vcslink-Timestamp` within 5 minutes of now.
fn assert_signed(r: &crate::support::automations::Received, key: &[u8]) {
    let ts = r.headers["x-vcslink-timestamp"].to_str().expect("ascii");
    let at: i64 = ts.parse().expect("unix seconds");
    assert!((chrono::Utc::now().timestamp() - at).abs() <= 300, "a fresh timestamp: {ts}");
    let mut signed = format!("{ts}.").into_bytes();
    signed.extend_from_slice(&r.body);
    let sig = r.headers["x-vcslink-signature"].to_str().expect("ascii");
    assert_eq!(sig, format!("sha256={}", hmac_sha256(key, &signed)), "timestamp and body signed together");
}

async fn filter_matrix_signatures_and_retries(app: TestApp) {
    let receiver = Receiver::start(2).await;
    let (id, endpoint, password) = webhook_integration(&app).await;
    let a = create(
        &app,
        json!({ "integrationId": id, "name": "release pushes", "eventTypes": ["CODE_PUSHED"],
        "repository": "API-GATEWAY", "branch": "release/*", "targetUrl": format!("{}/a", receiver.base),
        "secret": "s3cret-signing-key", "clientMutationId": "a1" }),
    )
    .await;
    assert_eq!(a["clientMutationId"], "a1");
    assert!(a["secret"].is_null(), "a given secret is not echoed");
    assert_eq!(a["automation"]["secretSet"], true);
    let b = create(
        &app,
        json!({ "integrationId": id, "name": "review bot",
        "eventTypes": ["PULL_REQUEST_COMMENTED", "WORK_ITEM_COMMENTED"], "triggerPhrase": "@vcslink review",
        "targetUrl": format!("{}/b", receiver.base) }),
    )
    .await;
    let b_secret = b["secret"].as_str().expect("generated secret shown once").to_owned();
    let c = create(
        &app,
        json!({ "integrationId": id, "name": "website PRs", "eventTypes": ["PULL_REQUEST_CREATED"],
        "project": "Website", "targetUrl": format!("{}/c", receiver.base) }),
    )
    .await;
    let list = app
        .gql("query($id: ID!) { azureDevOpsIntegration(id: $id) { automations { name } } }", json!({ "id": id }))
        .await;
    assert_eq!(list["data"]["azureDevOpsIntegration"]["automations"].as_array().map(Vec::len), Some(3));
    let bad = app
        .gql(
            CREATE,
            json!({ "i": { "integrationId": id, "name": "x", "eventTypes": ["CODE_PUSHED"], "targetUrl": "nope" } }),
        )
        .await;
    assert_eq!(error_code(&bad), Some("VALIDATION"));

    let base = "https://dev.azure.com/contoso";
    let release = Payload::new(Event::Push, base).ref_name("refs/heads/release/1.0");
    let sends = [
        Payload::new(Event::Push, base), // main: no match
        release.clone(),                 // A
        Payload::new(Event::PullRequestCommented, base).comment("please @VCSLink Review this"), // B
        Payload::new(Event::PullRequestCommented, base), // "/bot retry": no match
        Payload::new(Event::WorkItemCommented, base).comment("@vcslink review the fix"), // B
        Payload::new(Event::PullRequestCreated, base), // Platform, not Website: no match
    ];
    for p in &sends {
        assert_eq!(deliver(&app, &endpoint, Some(&password), p.body()).await.status(), 200);
    }

    let got_a = receiver.wait_for("/a", 1).await;
    assert_eq!(got_a.len(), 3, "two failures, then the retry succeeds");
    let got_b = receiver.wait_for("/b", 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(receiver.got("/c").is_empty());
    assert_eq!(receiver.got("/b").iter().filter(|(_, s)| *s == 200).count(), 2);

    for (r, _) in &got_a {
        assert_signed(r, b"s3cret-signing-key");
        assert!(r.headers.get("x-vcslink-delivery").is_some());
        let body: Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(body["eventType"], "CODE_PUSHED");
        assert_eq!(body["branch"], "release/1.0");
        assert_eq!(body["payload"]["id"], release.id.as_str());
        assert_eq!(r.headers["x-vcslink-delivery"].to_str().ok(), body["deliveryId"].as_str());
    }
    for (r, _) in &got_b {
        assert_signed(r, b_secret.as_bytes());
    }
    let texts: Vec<String> = got_b
        .iter()
        .filter_map(|(r, _)| serde_json::from_slice::<Value>(&r.body).ok())
        .filter_map(|v| v["commentText"].as_str().map(str::to_owned))
        .collect();
    assert!(
        texts.contains(&"please @VCSLink Review this".to_owned())
            && texts.contains(&"@vcslink review the fix".to_owned())
    );

    // The outcome is on the delivery.
    let q = "query($id: ID!) { azureDevOpsIntegration(id: $id) { deliveries(first: 20) { edges { node { \
             eventId outcomeMessage automationRuns { automationId status attempts responseStatus lastError } } } } } }";
    let body = app.gql(q, json!({ "id": id })).await;
    let nodes = body["data"]["azureDevOpsIntegration"]["deliveries"]["edges"].as_array().cloned().unwrap_or_default();
    let rel = nodes.iter().map(|e| &e["node"]).find(|n| n["eventId"] == release.id.as_str()).expect("release delivery");
    let run = &rel["automationRuns"][0];
    assert_eq!(run["automationId"], a["automation"]["id"]);
    assert_eq!(run["status"], "SENT");
    assert_eq!(run["attempts"], 3);
    assert_eq!(run["responseStatus"], 200);
    let unmatched =
        nodes.iter().map(|e| &e["node"]).filter(|n| n["automationRuns"].as_array().is_some_and(Vec::is_empty)).count();
    assert_eq!(unmatched, 3);

    let node = app
        .gql(
            "query($id: ID!) { node(id: $id) { ... on Automation { name branch } } }",
            json!({ "id": a["automation"]["id"] }),
        )
        .await;
    assert_eq!(node["data"]["node"], json!({ "name": "release pushes", "branch": "release/*" }));

    // Delete: no more sends.
    let del = "mutation($id: ID!) { deleteAutomation(input: { id: $id }) { deletedId } }";
    let body = app.gql(del, json!({ "id": c["automation"]["id"] })).await;
    assert_eq!(body["data"]["deleteAutomation"]["deletedId"], c["automation"]["id"]);
    let body = app.gql(del, json!({ "id": c["automation"]["id"] })).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"));
}

#[tokio::test]
async fn automations_filter_sign_and_retry_on_sqlite() {
    filter_matrix_signatures_and_retries(spawn_with(Backend::Sqlite, fast).await.expect("sqlite")).await;
}

#[tokio::test]
async fn automations_filter_sign_and_retry_on_postgres() {
    if let Some(app) = spawn_with(Backend::Postgres, fast).await {
        filter_matrix_signatures_and_retries(app).await;
    }
}

const UPDATE: &str = "mutation($i: UpdateAutomationInput!) { updateAutomation(input: $i) { clientMutationId \
    automation { id name eventTypes project repository branch triggerPhrase targetUrl secretSet } } }";

async fn an_updated_automation_hears_its_new_filters_and_signs_with_its_new_secret(app: TestApp) {
    let receiver = Receiver::start(0).await;
    let (id, endpoint, password) = webhook_integration(&app).await;
    let made = create(
        &app,
        json!({ "integrationId": id, "name": "pushes", "eventTypes": ["CODE_PUSHED"], "branch": "release/*",
        "project": "Platform", "targetUrl": format!("{}/old", receiver.base), "secret": "first-secret" }),
    )
    .await;
    let auto_id = made["automation"]["id"].clone();
    let update = |i: Value| app.gql(UPDATE, json!({ "i": i }));
    let changed = update(json!({ "id": auto_id, "name": "every push", "branch": null,
        "targetUrl": format!("{}/new", receiver.base), "secret": "second-secret", "clientMutationId": "u" }))
    .await;
    let a = &changed["data"]["updateAutomation"];
    assert_eq!(a["clientMutationId"], "u", "{changed}");
    assert_eq!(a["automation"]["name"], "every push");
    assert!(a["automation"]["branch"].is_null(), "an explicit null clears the filter");
    assert_eq!(a["automation"]["project"], "Platform", "an omitted field is kept");
    assert_eq!(a["automation"]["eventTypes"], json!(["CODE_PUSHED"]));
    assert!(!changed.to_string().contains("second-secret"), "the secret is write-only");

    let main = Payload::new(Event::Push, "https://dev.azure.com/contoso");
    assert_eq!(deliver(&app, &endpoint, Some(&password), main.body()).await.status(), 200);
    let got = receiver.wait_for("/new", 1).await;
    assert_signed(&got[0].0, b"second-secret");
    assert!(receiver.got("/old").is_empty(), "the old target hears nothing");

    let bad = update(json!({ "id": auto_id, "eventTypes": [] })).await;
    assert_eq!(error_code(&bad), Some("VALIDATION"), "{bad}");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "eventTypes");
    let private = update(json!({ "id": auto_id, "targetUrl": "not a url" })).await;
    assert_eq!(private["errors"][0]["extensions"]["field"], "targetUrl", "{private}");
    let gone = format!("Automation:{}", uuid::Uuid::new_v4());
    let gone = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, gone);
    let unknown = update(json!({ "id": gone, "name": "x" })).await;
    assert_eq!(error_code(&unknown), Some("NOT_FOUND"), "{unknown}");
}

#[tokio::test]
async fn an_updated_automation_hears_its_new_filters_on_sqlite() {
    an_updated_automation_hears_its_new_filters_and_signs_with_its_new_secret(
        spawn_with(Backend::Sqlite, fast).await.expect("sqlite"),
    )
    .await;
}

#[tokio::test]
async fn an_updated_automation_hears_its_new_filters_on_postgres() {
    if let Some(app) = spawn_with(Backend::Postgres, fast).await {
        an_updated_automation_hears_its_new_filters_and_signs_with_its_new_secret(app).await;
    }
}

#[tokio::test]
async fn a_pending_send_is_resumed_after_a_restart() {
    let receiver = Receiver::start(usize::MAX).await;
    let mut app = spawn_with(Backend::Sqlite, fast).await.expect("sqlite");
    let (id, endpoint, password) = webhook_integration(&app).await;
    create(
        &app,
        json!({ "integrationId": id, "name": "all pushes", "eventTypes": ["CODE_PUSHED"],
        "targetUrl": format!("{}/r", receiver.base) }),
    )
    .await;
    let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
    assert_eq!(deliver(&app, &endpoint, Some(&password), p.body()).await.status(), 200);
    for _ in 0..100 {
        if !receiver.got("/r").is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.stop_server().await;
    // The receiver recovers while no server runs; the next process picks the send up.
    receiver.stop_failing();
    app.restart().await;
    let got = receiver.wait_for("/r", 1).await;
    assert!(
        got.iter()
            .all(|(r, _)| serde_json::from_slice::<Value>(&r.body).is_ok_and(|v| v["payload"]["id"] == p.id.as_str()))
    );
}
