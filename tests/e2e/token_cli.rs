//! `vcslink token create|list|revoke` against a running server: tenants are not invented, inputs are
//! checked like `createApiToken`, expiry and revocation reach the running server.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{TestApp, error_code, spawn_app, spawn_with};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Creates a token through the CLI; returns (its GraphQL id, its value).
async fn create(app: &TestApp, extra: &[&str]) -> (String, String) {
    let mut args = vec!["token", "create", "--role", "member", "--user", "bot"];
    args.extend_from_slice(extra);
    let out = app.cli(&args, &[]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let id = text.split_whitespace().nth(3).expect("id").to_owned();
    (id, text.lines().last().expect("token").to_owned())
}

async fn viewer(app: &TestApp, token: &str) -> Value {
    app.gql_as(Some(token), "{ viewer { user } }", json!({})).await
}

#[tokio::test]
async fn a_tenant_typo_is_an_error_unless_create_tenant_is_given() {
    let app = spawn_app().await;
    let out = app.cli(&["token", "create", "--tenant", "defualt", "--role", "admin", "--user", "a"], &[]).await;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--create-tenant"), "{}", stderr(&out));
    let list = app.cli(&["token", "list", "--tenant", "defualt"], &[]).await;
    assert!(!list.status.success(), "the typo created no tenant");

    let (_, token) = create(&app, &["--tenant", "team-b", "--create-tenant"]).await;
    let body = app.gql_as(Some(&token), "{ viewer { tenant user role } }", json!({})).await;
    assert_eq!(body["data"]["viewer"], json!({ "tenant": "team-b", "user": "bot", "role": "MEMBER" }));
}

#[tokio::test]
async fn an_empty_user_or_a_bad_lifetime_is_refused_like_create_api_token_refuses_it() {
    let app = spawn_app().await;
    let empty = app.cli(&["token", "create", "--role", "member", "--user", "  "], &[]).await;
    assert!(!empty.status.success());
    assert!(stderr(&empty).contains("VALIDATION (--user)"), "{}", stderr(&empty));
    let bad = app.cli(&["token", "create", "--role", "member", "--user", "bot", "--expires-in", "30"], &[]).await;
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("VALIDATION (--expires-in)") && stderr(&bad).contains("30d"), "{}", stderr(&bad));
    let gql = app
        .gql(
            "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
            json!({ "i": { "user": " ", "role": "MEMBER" } }),
        )
        .await;
    assert_eq!(error_code(&gql), Some("VALIDATION"));
}

#[tokio::test]
async fn token_list_shows_state_expiry_and_last_use_and_graphql_shows_them_too() {
    let app = spawn_app().await;
    let (id, token) = create(&app, &["--name", "ci", "--expires-in", "30d"]).await;
    assert_eq!(viewer(&app, &token).await["data"]["viewer"]["user"], "bot");

    let mut last_used = Value::Null;
    for _ in 0..100 {
        let body = app.gql("{ apiTokens(first: 50) { nodes { id name expiresAt lastUsedAt } } }", json!({})).await;
        let nodes = body["data"]["apiTokens"]["nodes"].as_array().cloned().unwrap_or_default();
        let node = nodes.into_iter().find(|n| n["id"] == json!(id)).expect("the token is listed");
        assert!(node["expiresAt"].is_string(), "{node}");
        last_used = node["lastUsedAt"].clone();
        if last_used.is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(last_used.is_string(), "lastUsedAt is written soon after the first use");

    let list = app.cli(&["token", "list", "--tenant", "default"], &[]).await;
    assert!(list.status.success(), "{}", stderr(&list));
    let row = stdout(&list).lines().find(|l| l.starts_with(&id)).expect("row").to_owned();
    assert!(row.contains("\tbot\tMEMBER\tci\tactive\t"), "{row}");
    assert!(!stdout(&list).contains(&token), "values are never listed");
    assert!(app.cli(&["token", "revoke", &id], &[]).await.status.success());
    let list = stdout(&app.cli(&["token", "list"], &[]).await);
    assert!(list.lines().any(|l| l.starts_with(&id) && l.contains("\trevoked\t")), "{list}");
}

#[tokio::test]
async fn an_expired_token_is_refused_even_while_cached() {
    let app = spawn_with(crate::support::Backend::Sqlite, |c| c.token_cache_ttl = Duration::from_secs(600))
        .await
        .expect("sqlite");
    let (_, token) = create(&app, &["--expires-in", "2s"]).await;
    assert_eq!(viewer(&app, &token).await["data"]["viewer"]["user"], "bot", "valid before it expires");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(error_code(&viewer(&app, &token).await), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn a_token_revoked_through_the_cli_stops_working_on_a_running_server_within_the_revocation_check() {
    let app = spawn_with(crate::support::Backend::Sqlite, |c| {
        c.token_cache_ttl = Duration::from_secs(600);
        c.token_revocation_check = Duration::from_secs(1);
    })
    .await
    .expect("sqlite");
    let (id, token) = create(&app, &[]).await;
    assert_eq!(viewer(&app, &token).await["data"]["viewer"]["user"], "bot", "verified and cached");

    let out = app.cli(&["token", "revoke", &id], &[("VCSLINK_TOKEN_REVOCATION_CHECK_SECONDS", "1")]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("refuse it within 1s"), "the output says when it takes effect: {}", stdout(&out));

    // The cache would trust the token for 10 minutes; the sweep (every second) must end that early.
    let mut refused = false;
    for _ in 0..100 {
        if error_code(&viewer(&app, &token).await) == Some("UNAUTHENTICATED") {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(refused, "the revoked token still works 10 s after the revoke");
}
