//! Parallel writes never fail: a Terraform-style client runs many operations at once (10 by
//! default). 50 parallel writes of each mutation kind all succeed, on SQLite's single writer
//! (every write transaction is `BEGIN IMMEDIATE` with a busy timeout) and on PostgreSQL.

use futures::future::join_all;
use serde_json::{Value, json};

use crate::support::integrations::{pat_integration, webhook_integration};
use crate::support::{TestApp, on_both_backends, queries};

const PARALLEL: usize = 50;

fn no_limit(config: &mut vcslink_api::config::Config) {
    config.token_rate_limit = 0;
}

/// Runs `PARALLEL` copies of `query` at once (variables from `vars(i)`); panics on any error.
async fn all_succeed(app: &TestApp, what: &str, query: &str, vars: impl Fn(usize) -> Value) {
    let bodies = join_all((0..PARALLEL).map(|i| app.gql(query, vars(i)))).await;
    let failed: Vec<&Value> = bodies.iter().filter(|b| b.get("errors").is_some()).collect();
    assert!(failed.is_empty(), "{what}: {} of {PARALLEL} failed, e.g. {}", failed.len(), failed[0]);
}

async fn fifty_parallel_writes_of_each_kind_all_succeed(app: TestApp) {
    all_succeed(
        &app,
        "createApiToken",
        "mutation($u: String!) { createApiToken(input: { user: $u, role: MEMBER }) { token } }",
        |i| json!({ "u": format!("user-{i}") }),
    )
    .await;
    let (id, _, _) = webhook_integration(&app).await;
    all_succeed(
        &app,
        "rotateWebhookPassword",
        "mutation($id: ID!) { rotateWebhookPassword(input: { integrationId: $id }) { webhookPassword } }",
        |_| json!({ "id": id }),
    )
    .await;
    all_succeed(
        &app,
        "updateAzureDevOpsIntegration",
        &queries::update(),
        |i| json!({ "i": { "id": id, "labels": [format!("l{i}")] } }),
    )
    .await;
    let org = app.org_url();
    all_succeed(&app, "createAzureDevOpsIntegration", &queries::create(), |i| {
        json!({ "i": { "name": format!("parallel-{i}"), "organizationUrl": org, "flavor": "SERVICES",
            "personalAccessToken": fake_azure::DEFAULT_PAT, "verify": false } })
    })
    .await;
    let target = pat_integration(&app, json!({})).await;
    all_succeed(
        &app,
        "createAutomation",
        "mutation($i: CreateAutomationInput!) { createAutomation(input: $i) { automation { id } } }",
        |i| {
            json!({ "i": { "integrationId": target, "name": format!("a{i}"), "eventTypes": ["CODE_PUSHED"],
            "targetUrl": "https://hooks.example.net/ci" } })
        },
    )
    .await;
}
on_both_backends!(fifty_parallel_writes_of_each_kind_all_succeed, super::no_limit);
