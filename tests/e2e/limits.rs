//! Hardening at the edge: GraphQL depth and complexity limits (connections cost `first` × items), the body limit, introspection and
//! suggestions off, no secret echoed in errors, SSRF address forms refused before any call.

use serde_json::json;

use crate::support::{Backend, error_code, spawn_app, spawn_with};

#[tokio::test]
async fn deep_and_expensive_queries_are_refused_with_a_code() {
    let app = spawn_app().await;
    // 13 levels: one more than the depth limit of 12.
    let deep = "{ azureDevOpsIntegrations { edges { node { repositories { edges { node { pullRequests { edges { node { comments { edges { node { author } } } } } } } } } } } } }";
    let body = app.gql(deep, json!({})).await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert!(body.to_string().to_lowercase().contains("nested too deep"), "{body}");
    // 6,000 aliased fields of cost 2: over the complexity limit of 10,000.
    let aliases: String = (0..6000).map(|i| format!("a{i}: viewer {{ user }} ")).collect();
    let body = app.gql(&format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert!(body.to_string().to_lowercase().contains("complex"), "{body}");
    // A connection costs `first` times its items: 100 integrations × 100 deliveries is over it,
    // though it names six fields; 20 × 20 is within.
    let pages = |n: u32| {
        format!(
            "{{ azureDevOpsIntegrations(first: {n}) {{ edges {{ node {{ id deliveries(first: {n}) {{ edges {{ node {{ id }} }} }} }} }} }} }}"
        )
    };
    let body = app.gql(&pages(100), json!({})).await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert!(body.to_string().to_lowercase().contains("complex"), "{body}");
    let body = app.gql(&pages(20), json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
}

#[tokio::test]
async fn a_body_over_one_mib_is_refused() {
    let app = spawn_app().await;
    let big = "x".repeat(1024 * 1024 + 10);
    let resp = app
        .http
        .post(format!("{}/graphql", app.base))
        .bearer_auth(crate::support::ADMIN_TOKEN)
        .json(&json!({ "query": "{ viewer { user } }", "variables": { "pad": big } }))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), 413);
}

#[tokio::test]
async fn with_introspection_off_there_is_no_schema_and_no_suggestion() {
    let app = spawn_with(Backend::Sqlite, |c| c.introspection = false).await.expect("sqlite");
    let body = app.gql("{ __schema { types { name } } }", json!({})).await;
    assert!(body["data"]["__schema"].is_null(), "{body}");
    let typo = app.gql("{ viewr { user } }", json!({})).await;
    assert!(!typo.to_string().contains("Did you mean"), "no suggestions: {typo}");
}

#[tokio::test]
async fn a_secret_in_a_wrongly_typed_input_is_not_echoed() {
    let app = spawn_app().await;
    let body = app
        .gql(
            "mutation($i: CreateAzureDevOpsIntegrationInput!) { createAzureDevOpsIntegration(input: $i) { integration { id } } }",
            json!({ "i": { "name": "x", "organizationUrl": "https://dev.azure.com/contoso",
                "personalAccessToken": "pat-that-must-not-echo-123456789", "labels": "not-a-list-pat-that-must-not-echo" , "isDefault": "pat-that-must-not-echo-2" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"));
    assert!(!body.to_string().contains("pat-that-must-not-echo"), "{body}");
}

#[tokio::test]
async fn private_address_forms_are_refused_before_any_call() {
    let app = spawn_with(Backend::Sqlite, |c| c.allow_private_upstreams = false).await.expect("sqlite");
    for url in [
        "https://127.0.0.1/DefaultCollection",
        "https://2130706433/DefaultCollection",
        "https://0177.0.0.1/DefaultCollection",
        "https://0x7f.1/DefaultCollection",
        "https://[::1]/DefaultCollection",
        "https://[::ffff:127.0.0.1]/DefaultCollection",
        "https://169.254.169.254/DefaultCollection",
        "https://10.1.2.3/DefaultCollection",
        "https://localhost/DefaultCollection",
        "https://ado.localhost/DefaultCollection",
        "https://[fd00::1]/DefaultCollection",
        "http://ado.example.com/DefaultCollection",
    ] {
        let body = app
            .gql(
                "mutation($i: CreateAzureDevOpsIntegrationInput!) { createAzureDevOpsIntegration(input: $i) { integration { id } } }",
                json!({ "i": { "name": format!("ssrf-{}", uuid::Uuid::new_v4().simple()), "organizationUrl": url, "personalAccessToken": "p-0000000000000000" } }),
            )
            .await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{url}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "organizationUrl", "{url}");
    }
    assert!(app.fake.requests().is_empty());
}

#[tokio::test]
async fn automation_targets_on_private_addresses_are_refused() {
    let app = spawn_with(Backend::Sqlite, |c| c.allow_private_upstreams = false).await.expect("sqlite");
    let created = app
        .gql(
            "mutation($i: CreateAzureDevOpsIntegrationInput!) { createAzureDevOpsIntegration(input: $i) { integration { id } } }",
            json!({ "i": { "name": "public", "organizationUrl": "https://dev.azure.com/contoso", "personalAccessToken": "p-0000000000000000", "verify": false } }),
        )
        .await;
    let id = created["data"]["createAzureDevOpsIntegration"]["integration"]["id"].as_str().expect("id").to_owned();
    for target in [
        "http://127.0.0.1:9/hook",
        "https://169.254.169.254/latest",
        "https://[::ffff:10.0.0.1]/x",
        "https://localhost/x",
    ] {
        let body = app
            .gql(
                "mutation($i: CreateAutomationInput!) { createAutomation(input: $i) { automation { id } } }",
                json!({ "i": { "integrationId": id, "name": format!("a-{}", uuid::Uuid::new_v4().simple()), "eventTypes": ["CODE_PUSHED"], "targetUrl": target } }),
            )
            .await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{target}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "targetUrl", "{target}");
    }
}
