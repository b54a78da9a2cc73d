//! `Subscription.webhookDeliveries` over `/graphql/ws` (graphql-transport-ws).

use fake_azure::payloads::{Event, Payload};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::support::integrations::webhook_integration;
use crate::support::webhooks::deliver;
use crate::support::{ADMIN_TOKEN, TestApp};

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_json(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next())
            .await
            .expect("a message within 10 s")
            .expect("open")
            .expect("frame");
        if let Message::Text(t) = msg {
            return serde_json::from_str(&t).expect("json");
        }
    }
}

async fn subscribe(app: &TestApp, token: &str, integration_id: &str) -> Ws {
    let mut req =
        format!("{}/graphql/ws", app.base.replace("http://", "ws://")).into_client_request().expect("request");
    req.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("header"));
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("connect");
    let init = json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {token}")}});
    ws.send(Message::text(init.to_string())).await.expect("init");
    assert_eq!(next_json(&mut ws).await["type"], "connection_ack");
    let q = "subscription($id: ID!) { webhookDeliveries(integrationId: $id) { eventId eventType branch \
        automationRuns { status } } }";
    let sub = json!({"id": "1", "type": "subscribe", "payload": {"query": q, "variables": {"id": integration_id}}});
    ws.send(Message::text(sub.to_string())).await.expect("subscribe");
    ws
}

async fn new_deliveries_are_streamed(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    let mut ws = subscribe(&app, ADMIN_TOKEN, &id).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
    assert_eq!(deliver(&app, &endpoint, Some(&password), p.body()).await.status(), 200);
    assert_eq!(deliver(&app, &endpoint, Some(&password), p.body()).await.status(), 200, "duplicate");
    let q = Payload::new(Event::WorkItemCommented, "https://dev.azure.com/contoso");
    assert_eq!(deliver(&app, &endpoint, Some(&password), q.body()).await.status(), 200);
    let first = next_json(&mut ws).await;
    assert_eq!(first["type"], "next", "{first}");
    assert_eq!(first["payload"]["data"]["webhookDeliveries"]["eventId"], p.id.as_str());
    assert_eq!(first["payload"]["data"]["webhookDeliveries"]["branch"], "main");
    assert_eq!(first["payload"]["data"]["webhookDeliveries"]["automationRuns"], json!([]), "{first}");
    let second = next_json(&mut ws).await;
    assert_eq!(second["payload"]["data"]["webhookDeliveries"]["eventId"], q.id.as_str(), "the duplicate is not new");

    // A member may not subscribe.
    let member = app.token("viewer", "MEMBER").await;
    let mut ws = subscribe(&app, &member, &id).await;
    let answer = next_json(&mut ws).await;
    assert_eq!(answer["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN", "{answer}");
    assert!(answer["payload"]["data"].is_null());
}
crate::support::on_both_backends!(new_deliveries_are_streamed);

async fn open(app: &TestApp) -> Ws {
    let mut req =
        format!("{}/graphql/ws", app.base.replace("http://", "ws://")).into_client_request().expect("request");
    req.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("header"));
    tokio_tungstenite::connect_async(req).await.expect("connect").0
}

/// The socket's end: the close code when the server sent a close frame, `None` when it just ended.
async fn closed(ws: &mut Ws) -> Option<u16> {
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(15), ws.next()).await.expect("closed within 15 s") {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return None,
        }
    }
}

#[tokio::test]
async fn a_socket_without_a_valid_token_is_refused_with_4403() {
    let app = crate::support::spawn_app().await;
    for payload in [json!({}), json!({"Authorization": "Bearer vcs_not-a-token"})] {
        let mut ws = open(&app).await;
        ws.send(Message::text(json!({"type": "connection_init", "payload": payload}).to_string())).await.expect("init");
        assert_eq!(closed(&mut ws).await, Some(4403), "{payload}");
    }
}

#[tokio::test]
async fn a_revoked_token_stops_at_its_next_operation() {
    let app = crate::support::spawn_app().await;
    let (id, _, _) = webhook_integration(&app).await;
    let made = app
        .gql(
            "mutation { createApiToken(input: { user: \"ws-user\", role: ADMIN }) { token apiToken { id } } }",
            json!({}),
        )
        .await;
    let token = made["data"]["createApiToken"]["token"].as_str().expect("token").to_owned();
    let token_id = made["data"]["createApiToken"]["apiToken"]["id"].as_str().expect("id").to_owned();
    let mut ws = subscribe(&app, &token, &id).await;
    let revoked = app
        .gql("mutation($id: ID!) { revokeApiToken(input: { id: $id }) { revokedId } }", json!({ "id": token_id }))
        .await;
    assert!(revoked.get("errors").is_none(), "{revoked}");
    let q = "subscription($id: ID!) { webhookDeliveries(integrationId: $id) { eventId } }";
    let again = json!({"id": "2", "type": "subscribe", "payload": {"query": q, "variables": {"id": id}}});
    ws.send(Message::text(again.to_string())).await.expect("subscribe");
    let end = closed(&mut ws).await;
    assert!(end.is_none() || end == Some(1000) || end == Some(4403), "the socket ends: {end:?}");
}

#[tokio::test]
async fn a_socket_holds_at_most_ten_operations_and_one_mebibyte_messages() {
    let app = crate::support::spawn_app().await;
    let (id, _, _) = webhook_integration(&app).await;
    let mut ws = subscribe(&app, ADMIN_TOKEN, &id).await;
    let q = "subscription($id: ID!) { webhookDeliveries(integrationId: $id) { eventId } }";
    for n in 2..=10 {
        let sub = json!({"id": n.to_string(), "type": "subscribe", "payload": {"query": q, "variables": {"id": id}}});
        ws.send(Message::text(sub.to_string())).await.expect("subscribe");
    }
    ws.send(Message::text(json!({"type": "ping"}).to_string())).await.expect("ping");
    assert_eq!(next_json(&mut ws).await["type"], "pong", "ten operations: the socket is open");
    let eleventh = json!({"id": "11", "type": "subscribe", "payload": {"query": q, "variables": {"id": id}}});
    ws.send(Message::text(eleventh.to_string())).await.expect("subscribe");
    let end = closed(&mut ws).await;
    assert!(end.is_none() || end == Some(1000), "the eleventh ends the socket: {end:?}");

    let mut ws = subscribe(&app, ADMIN_TOKEN, &id).await;
    let huge = json!({"id": "9", "type": "subscribe", "payload": {"query": "x".repeat(1024 * 1024 + 1)}});
    let _ = ws.send(Message::text(huge.to_string())).await;
    let end = closed(&mut ws).await;
    assert!(end.is_none() || end == Some(1009), "a message over 1 MiB ends the socket: {end:?}");
}

#[tokio::test]
async fn a_socket_that_never_says_connection_init_is_closed() {
    let app = crate::support::spawn_app().await;
    let mut ws = open(&app).await;
    let started = std::time::Instant::now();
    let end = closed(&mut ws).await;
    assert!(end.is_none() || end == Some(1000), "{end:?}");
    assert!(started.elapsed() >= std::time::Duration::from_secs(9), "not before the init timeout");
}

/// More than a page (500) of deliveries within the overlap window: every one is streamed, none
/// twice (the subscription pages by id instead of re-reading the same first 500).
#[tokio::test]
async fn a_burst_beyond_a_page_streams_through() {
    // The integration's delivery bucket (200/s) is not what this test is about.
    let Some(app) = crate::support::spawn_with(crate::support::Backend::Sqlite, |c| c.webhook_rate_limit = 0).await
    else {
        return;
    };
    let (id, endpoint, password) = webhook_integration(&app).await;
    let mut ws = subscribe(&app, ADMIN_TOKEN, &id).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    const N: usize = 600;
    let mut sends = Vec::new();
    for chunk in 0..(N / 50) {
        let (http, endpoint, password) = (app.http.clone(), app.local(&endpoint), password.clone());
        sends.push(tokio::spawn(async move {
            for _ in 0..50 {
                let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
                let r = http.post(&endpoint).basic_auth("ado-hook", Some(&password)).body(p.body()).send().await;
                assert_eq!(r.expect("delivery").status(), 200, "chunk {chunk}");
            }
        }));
    }
    for s in sends {
        s.await.expect("sender");
    }
    let mut seen = std::collections::HashSet::new();
    while seen.len() < N {
        let msg = next_json(&mut ws).await;
        assert_eq!(msg["type"], "next", "{msg}");
        let event = msg["payload"]["data"]["webhookDeliveries"]["eventId"].as_str().expect("event id").to_owned();
        assert!(seen.insert(event), "streamed once");
    }
}

/// The body is read only for a subscription that selects it, and then it is the body as sent.
#[tokio::test]
async fn the_payload_comes_only_when_asked() {
    let app = crate::support::spawn_app().await;
    let (id, endpoint, password) = webhook_integration(&app).await;
    let mut ws = open(&app).await;
    let init = json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {ADMIN_TOKEN}")}});
    ws.send(Message::text(init.to_string())).await.expect("init");
    assert_eq!(next_json(&mut ws).await["type"], "connection_ack");
    let q = "subscription($id: ID!) { webhookDeliveries(integrationId: $id) { eventId payload } }";
    let sub = json!({"id": "1", "type": "subscribe", "payload": {"query": q, "variables": {"id": id}}});
    ws.send(Message::text(sub.to_string())).await.expect("subscribe");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
    assert_eq!(deliver(&app, &endpoint, Some(&password), p.body()).await.status(), 200);
    let got = next_json(&mut ws).await;
    let payload = got["payload"]["data"]["webhookDeliveries"]["payload"].as_str().expect("payload").to_owned();
    let sent: Value = serde_json::from_slice(&p.body()).expect("json");
    assert_eq!(serde_json::from_str::<Value>(&payload).expect("json"), sent, "the body as sent");
}

/// Queries over the socket end on their own (`complete`): each frees its slot, so a client may run
/// any number of them one after another.
#[tokio::test]
async fn finished_operations_free_their_slots() {
    let app = crate::support::spawn_app().await;
    let mut ws = open(&app).await;
    let init = json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {ADMIN_TOKEN}")}});
    ws.send(Message::text(init.to_string())).await.expect("init");
    assert_eq!(next_json(&mut ws).await["type"], "connection_ack");
    for n in 0..25 {
        let op = json!({"id": n.to_string(), "type": "subscribe", "payload": {"query": "{ viewer { user } }"}});
        ws.send(Message::text(op.to_string())).await.expect("query");
        let answer = next_json(&mut ws).await;
        assert_eq!(answer["type"], "next", "{n}: {answer}");
        assert_eq!(answer["payload"]["data"]["viewer"]["user"], "admin");
        assert_eq!(next_json(&mut ws).await["type"], "complete", "{n}");
    }
}
