//! Service Hook deliveries as Azure DevOps sends them, and the integration's delivery ledger read
//! back through GraphQL.

use serde_json::{Value, json};

use super::TestApp;

/// Posts `body` as Azure DevOps would, with HTTP Basic `ado-hook:{password}`.
pub async fn deliver(app: &TestApp, endpoint: &str, password: Option<&str>, body: Vec<u8>) -> reqwest::Response {
    let mut req = app
        .http
        .post(app.local(endpoint))
        .header("content-type", "application/json; charset=utf-8")
        .header("X-VSS-ActivityId", uuid::Uuid::new_v4().to_string())
        .body(body);
    if let Some(pw) = password {
        req = req.basic_auth("ado-hook", Some(pw));
    }
    req.send().await.expect("delivery request")
}

const DELIVERY_FIELDS: &str = "id eventId eventType rawEventType notificationId subscriptionId publisherId \
    resourceVersion organization project projectId repository repositoryId ref branch sourceBranch \
    commits { id message author } pullRequestNumber workItemId actor actorUser commentText commentEdited createdAt receivedAt \
    duplicateCount outcome outcomeMessage processedAt payload";

/// The integration's deliveries (newest first).
pub async fn deliveries(app: &TestApp, id: &str, event_type: Option<&str>) -> Value {
    let q = format!(
        "query($id: ID!, $t: WebhookEventType) {{ azureDevOpsIntegration(id: $id) {{ \
         deliveries(first: 100, eventType: $t) {{ totalCount edges {{ node {{ {DELIVERY_FIELDS} }} }} }} }} }}"
    );
    let body = app.gql(&q, json!({ "id": id, "t": event_type })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["azureDevOpsIntegration"]["deliveries"].clone()
}

/// The nodes of a connection, in order.
pub fn nodes(conn: &Value) -> Vec<Value> {
    conn["edges"].as_array().map(|e| e.iter().map(|x| x["node"].clone()).collect()).unwrap_or_default()
}
