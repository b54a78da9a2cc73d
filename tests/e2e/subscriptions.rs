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
