//! Integrations on the fake's `contoso`, made through GraphQL the way each kind of test needs them:
//! with the fake's OAuth app, with a full-scope PAT and no verification, or ready for webhooks.

use fake_azure::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PAT, DEFAULT_TENANT};
use serde_json::{Value, json};

use super::TestApp;
use super::queries;

/// An integration with the fake's OAuth app, and the integration PAT when `with_pat`.
pub async fn oauth_integration(app: &TestApp, name: &str, with_pat: bool) -> String {
    let mut input = json!({ "name": name, "organizationUrl": app.org_url(), "flavor": "SERVICES",
        "oauthApp": { "tenantId": DEFAULT_TENANT, "clientId": DEFAULT_CLIENT_ID, "clientSecret": DEFAULT_CLIENT_SECRET } });
    if with_pat {
        input["personalAccessToken"] = json!(DEFAULT_PAT);
    }
    let body = app.gql(&queries::create(), json!({ "i": input })).await;
    body.pointer("/data/createAzureDevOpsIntegration/integration/id")
        .and_then(Value::as_str)
        .expect("created")
        .to_owned()
}

/// An integration with the fake's full-scope PAT (not verified: no calls made), `extra` merged into
/// its input.
pub async fn pat_integration(app: &TestApp, extra: Value) -> String {
    let mut input = json!({ "name": format!("browse-{}", uuid::Uuid::new_v4()), "organizationUrl": app.org_url(),
        "flavor": "SERVICES", "personalAccessToken": DEFAULT_PAT, "verify": false });
    if let (Some(i), Some(e)) = (input.as_object_mut(), extra.as_object()) {
        i.extend(e.clone());
    }
    let body = app.gql(&queries::create(), json!({ "i": input })).await;
    body.pointer("/data/createAzureDevOpsIntegration/integration/id").and_then(Value::as_str).expect("id").to_owned()
}

/// An integration for webhook deliveries: (global id, webhook endpoint, webhook password).
pub async fn webhook_integration(app: &TestApp) -> (String, String, String) {
    let body = app
        .gql(
            &queries::create(),
            json!({ "i": { "name": format!("hooks-{}", uuid::Uuid::new_v4().simple()), "organizationUrl": app.org_url(),
                "flavor": "SERVICES", "personalAccessToken": DEFAULT_PAT } }),
        )
        .await;
    let p = &body["data"]["createAzureDevOpsIntegration"];
    let id = p["integration"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let endpoint = p["integration"]["webhook"]["endpointUrl"].as_str().expect("endpoint").to_owned();
    let password = p["webhookPassword"].as_str().expect("password").to_owned();
    (id, endpoint, password)
}
