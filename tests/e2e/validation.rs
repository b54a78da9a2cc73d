//! Bad input gets VALIDATION with the field and a hint; names conflict; idempotency; validateOnly; isDefault.

use fake_azure::DEFAULT_PAT;
use serde_json::{Value, json};

use crate::support::{TestApp, error_code, on_both_backends, queries, spawn_app};

async fn create(app: &TestApp, input: Value) -> Value {
    app.gql(&queries::create(), json!({ "i": input })).await
}

fn input(app: &TestApp, name: &str) -> Value {
    json!({ "name": name, "organizationUrl": app.org_url(), "flavor": "SERVICES", "personalAccessToken": DEFAULT_PAT, "verify": false })
}

#[tokio::test]
async fn a_project_path_in_the_organization_url_is_refused_with_a_hint() {
    let app = spawn_app().await;
    let cases = [
        ("https://dev.azure.com/contoso/Platform", "without a project path"),
        ("contoso", "https://dev.azure.com/contoso"),
        ("https://user:secret@dev.azure.com/contoso", ""),
        ("https://dev.azure.com/contoso?x=1", ""),
    ];
    for (url, hint_part) in cases {
        let body =
            create(&app, json!({ "name": "x", "organizationUrl": url, "personalAccessToken": DEFAULT_PAT })).await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{url}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "organizationUrl", "{body}");
        let hint = body["errors"][0]["extensions"]["hint"].as_str().unwrap_or_default();
        assert!(!hint.is_empty() && hint.contains(hint_part), "{url}: hint {hint:?}");
        assert!(!body.to_string().contains("secret@"), "the credential is not echoed");
    }
}

#[tokio::test]
async fn legacy_visualstudio_urls_become_dev_azure_com() {
    let app = spawn_app().await;
    let body = create(&app, json!({ "name": "legacy", "organizationUrl": "https://Contoso.VisualStudio.com/", "personalAccessToken": DEFAULT_PAT, "verify": false })).await;
    let it = &body["data"]["createAzureDevOpsIntegration"]["integration"];
    assert_eq!(it["organizationUrl"], "https://dev.azure.com/contoso", "{body}");
    assert_eq!(it["flavor"], "SERVICES");
}

#[tokio::test]
async fn private_upstreams_are_refused_unless_allowed() {
    let app = crate::support::spawn_with(crate::support::Backend::Sqlite, |c| c.allow_private_upstreams = false)
        .await
        .expect("sqlite");
    let body = create(&app, json!({ "name": "lab", "organizationUrl": app.org_url(), "flavor": "SERVICES", "personalAccessToken": DEFAULT_PAT })).await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "organizationUrl");
    assert!(
        body["errors"][0]["extensions"]["hint"]
            .as_str()
            .unwrap_or_default()
            .contains("VCSLINK_ALLOW_PRIVATE_UPSTREAMS")
    );
    assert_eq!(app.fake.requests().len(), 0, "nothing was called");
}

#[tokio::test]
async fn oauth_on_a_server_integration_and_missing_credentials_are_refused() {
    let app = spawn_app().await;
    let body = create(&app, json!({ "name": "s", "organizationUrl": "https://ado.example.com/DefaultCollection",
        "oauthApp": { "tenantId": fake_azure::DEFAULT_TENANT, "clientId": fake_azure::DEFAULT_CLIENT_ID, "clientSecret": "x-secret-value" } })).await;
    assert_eq!(error_code(&body), Some("VALIDATION"));
    assert_eq!(body["errors"][0]["extensions"]["field"], "oauthApp");
    let none = create(&app, json!({ "name": "n", "organizationUrl": "https://dev.azure.com/contoso" })).await;
    assert_eq!(error_code(&none), Some("VALIDATION"));
    assert_eq!(none["errors"][0]["extensions"]["field"], "personalAccessToken");
}

#[tokio::test]
async fn names_are_unique_per_tenant_regardless_of_case() {
    let app = spawn_app().await;
    assert!(create(&app, input(&app, "Contoso")).await.get("errors").is_none());
    let dup = create(&app, input(&app, "contoso")).await;
    assert_eq!(error_code(&dup), Some("CONFLICT"));
    assert_eq!(app.gql(queries::LIST, json!({})).await["data"]["azureDevOpsIntegrations"]["totalCount"], 1);
}

#[tokio::test]
async fn an_idempotency_key_returns_the_same_integration_and_refuses_other_input() {
    let app = spawn_app().await;
    let mut first = input(&app, "idem");
    first["idempotencyKey"] = json!("k-1");
    let a = create(&app, first.clone()).await;
    let b = create(&app, first.clone()).await;
    let id_a = &a["data"]["createAzureDevOpsIntegration"]["integration"]["id"];
    assert!(id_a.is_string(), "{a}");
    assert_eq!(id_a, &b["data"]["createAzureDevOpsIntegration"]["integration"]["id"], "{b}");
    assert!(b["data"]["createAzureDevOpsIntegration"]["webhookPassword"].is_null(), "shown exactly once");
    first["description"] = json!("changed");
    let c = create(&app, first).await;
    assert_eq!(error_code(&c), Some("CONFLICT"));
}

/// `terraform destroy` then `apply` with the same key: the key of an unlinked integration creates
/// anew, and a key older than 24 hours is forgotten.
async fn an_idempotency_key_is_free_again_after_unlink_and_after_a_day(app: TestApp) {
    let mut first = input(&app, "idem-again");
    first["idempotencyKey"] = json!("contoso.main");
    let a = create(&app, first.clone()).await;
    let id_a = a["data"]["createAzureDevOpsIntegration"]["integration"]["id"].as_str().expect("id").to_owned();
    let unlinked = app.gql(queries::UNLINK, json!({ "id": id_a })).await;
    assert!(unlinked.get("errors").is_none(), "{unlinked}");
    let b = create(&app, first.clone()).await;
    let p = &b["data"]["createAzureDevOpsIntegration"];
    let id_b = p["integration"]["id"].as_str().unwrap_or_else(|| panic!("created anew, never all-null: {b}"));
    assert_ne!(id_b, id_a);
    assert!(p["webhookPassword"].is_string(), "a new integration shows its password once: {b}");

    let db = sea_orm::Database::connect(&app.config.database_url).await.expect("db");
    let day_ago = chrono::Utc::now() - chrono::Duration::hours(25);
    let stmt = sea_orm::Statement::from_sql_and_values(
        db.get_database_backend(),
        match db.get_database_backend() {
            sea_orm::DbBackend::Postgres => "UPDATE idempotency_keys SET created_at = $1",
            _ => "UPDATE idempotency_keys SET created_at = ?",
        },
        [day_ago.into()],
    );
    sea_orm::ConnectionTrait::execute_raw(&db, stmt).await.expect("age the key");
    first["description"] = json!("other input, a day later");
    first["name"] = json!("idem-later");
    let c = create(&app, first).await;
    assert!(c.get("errors").is_none(), "an expired key is no CONFLICT: {c}");
    assert_ne!(c["data"]["createAzureDevOpsIntegration"]["integration"]["id"].as_str(), Some(id_b));
}
on_both_backends!(an_idempotency_key_is_free_again_after_unlink_and_after_a_day);

#[tokio::test]
async fn validate_only_checks_everything_and_stores_nothing() {
    let app = spawn_app().await;
    let mut i = input(&app, "plan");
    i["validateOnly"] = json!(true);
    i["verify"] = json!(true);
    let body = create(&app, i).await;
    let p = &body["data"]["createAzureDevOpsIntegration"];
    assert!(p["integration"].is_null(), "{body}");
    assert_eq!(p["verification"]["ok"], true);
    assert_eq!(app.gql(queries::LIST, json!({})).await["data"]["azureDevOpsIntegrations"]["totalCount"], 0);
    let bad = create(&app, json!({ "name": "", "organizationUrl": app.org_url(), "flavor": "SERVICES", "personalAccessToken": DEFAULT_PAT, "validateOnly": true })).await;
    assert_eq!(error_code(&bad), Some("VALIDATION"));
    assert_eq!(bad["errors"][0]["extensions"]["field"], "name");
}

#[tokio::test]
async fn is_default_is_exclusive_per_tenant() {
    let app = spawn_app().await;
    let mut a = input(&app, "a");
    a["isDefault"] = json!(true);
    let a_id = create(&app, a).await["data"]["createAzureDevOpsIntegration"]["integration"]["id"].clone();
    let mut b = input(&app, "b");
    b["isDefault"] = json!(true);
    create(&app, b).await;
    let got = app.gql(&queries::get(), json!({ "id": a_id })).await;
    assert_eq!(got["data"]["azureDevOpsIntegration"]["isDefault"], false);
}

#[tokio::test]
async fn malformed_graphql_and_wrong_types_carry_a_code() {
    let app = spawn_app().await;
    let body = app.gql("{ viewer { nope } }", json!({})).await;
    assert_eq!(error_code(&body), Some("VALIDATION"));
    let body = app
        .gql("query($first: Int) { azureDevOpsIntegrations(first: $first) { totalCount } }", json!({ "first": "x" }))
        .await;
    assert_eq!(error_code(&body), Some("VALIDATION"));
}
