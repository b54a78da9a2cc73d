//! Tokens and tenancy: no token, MEMBER vs ADMIN, other tenants' IDs, revocation at once.

use serde_json::json;

use crate::support::{ADMIN_TOKEN, error_code, queries, spawn_app};

#[tokio::test]
async fn without_a_token_everything_is_unauthenticated() {
    let app = spawn_app().await;
    let body = app.gql_as(None, "{ viewer { tenant } }", json!({})).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    let body = app.gql_as(Some("vcs_not-a-token"), "{ azureDevOpsIntegrations { totalCount } }", json!({})).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn the_viewer_is_the_token_holder() {
    let app = spawn_app().await;
    let body = app.gql("{ viewer { tenant user role tokenName } }", json!({})).await;
    assert_eq!(
        body["data"]["viewer"],
        json!({ "tenant": "default", "user": "admin", "role": "ADMIN", "tokenName": "bootstrap" })
    );
}

#[tokio::test]
async fn a_member_reads_but_may_not_administer() {
    let app = spawn_app().await;
    let member = app.token("dev", "MEMBER").await;
    let list = app.gql_as(Some(&member), queries::LIST, json!({})).await;
    assert!(list.get("errors").is_none(), "{list}");
    let create = app
        .gql_as(Some(&member), &queries::create(), json!({ "i": { "name": "x", "organizationUrl": app.org_url(), "flavor": "SERVICES", "personalAccessToken": "p-0000000000000000", "verify": false } }))
        .await;
    assert_eq!(error_code(&create), Some("FORBIDDEN"));
    let tokens = app.gql_as(Some(&member), "{ apiTokens { totalCount } }", json!({})).await;
    assert_eq!(error_code(&tokens), Some("FORBIDDEN"));
    let mint = app
        .gql_as(Some(&member), "mutation { createApiToken(input: { user: \"x\", role: ADMIN }) { token } }", json!({}))
        .await;
    assert_eq!(error_code(&mint), Some("FORBIDDEN"));
}

#[tokio::test]
async fn another_tenants_objects_do_not_exist() {
    let app = spawn_app().await;
    let created = app
        .gql(&queries::create(), json!({ "i": { "name": "mine", "organizationUrl": app.org_url(), "flavor": "SERVICES", "personalAccessToken": "p-0000000000000000", "verify": false } }))
        .await;
    let id = created["data"]["createAzureDevOpsIntegration"]["integration"]["id"].as_str().expect("id").to_owned();
    let other = cli_token(&app, "other", "admin", "root").await;
    let got = app.gql_as(Some(&other), &queries::get(), json!({ "id": id })).await;
    assert!(got["data"]["azureDevOpsIntegration"].is_null());
    let node = app.gql_as(Some(&other), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })).await;
    assert!(node["data"]["node"].is_null());
    let by_name = "query { azureDevOpsIntegrationByName(name: \"mine\") { id } }";
    assert!(app.gql_as(Some(&other), by_name, json!({})).await["data"]["azureDevOpsIntegrationByName"].is_null());
    assert_eq!(app.gql(by_name, json!({})).await["data"]["azureDevOpsIntegrationByName"]["id"], id.as_str());
    let unlink = app.gql_as(Some(&other), queries::UNLINK, json!({ "id": id })).await;
    assert_eq!(error_code(&unlink), Some("NOT_FOUND"));
    let list = app.gql_as(Some(&other), queries::LIST, json!({})).await;
    assert_eq!(list["data"]["azureDevOpsIntegrations"]["totalCount"], 0);
}

/// A token of another tenant, made with the CLI against the same database.
async fn cli_token(app: &crate::support::TestApp, tenant: &str, role: &str, user: &str) -> String {
    let out =
        app.cli(&["token", "create", "--tenant", tenant, "--create-tenant", "--role", role, "--user", user], &[]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().last().expect("token line").trim().to_owned()
}

#[tokio::test]
async fn a_revoked_token_stops_working_at_once() {
    let app = spawn_app().await;
    let body = app
        .gql("mutation { createApiToken(input: { user: \"ci\", role: MEMBER, name: \"ci-runner\" }) { token apiToken { id name user role } } }", json!({}))
        .await;
    let created = &body["data"]["createApiToken"];
    let token = created["token"].as_str().expect("token").to_owned();
    assert_eq!(created["apiToken"]["role"], "MEMBER");
    assert_eq!(app.gql_as(Some(&token), "{ viewer { user } }", json!({})).await["data"]["viewer"]["user"], "ci");
    let list = app.gql("{ apiTokens { totalCount edges { node { name user revokedAt } } } }", json!({})).await;
    assert_eq!(list["data"]["apiTokens"]["totalCount"], 2);
    assert!(!list.to_string().contains(&token), "token values are never listed");
    let id = created["apiToken"]["id"].clone();
    let revoke =
        app.gql("mutation($id: ID!) { revokeApiToken(input: { id: $id }) { revokedId } }", json!({ "id": id })).await;
    assert_eq!(revoke["data"]["revokeApiToken"]["revokedId"], id);
    let after = app.gql_as(Some(&token), "{ viewer { user } }", json!({})).await;
    assert_eq!(error_code(&after), Some("UNAUTHENTICATED"));
    assert_ne!(token, ADMIN_TOKEN);
}
