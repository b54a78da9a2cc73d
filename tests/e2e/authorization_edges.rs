//! Authorization edge cases: an app without `offline_access`, Entra refusing the code exchange,
//! an unknown integration, and user tokens surviving `rotate-key` and a restart.

use fake_azure::{DEFAULT_CLIENT_ID, DEFAULT_PAT, DEFAULT_TENANT, EntraApp};
use serde_json::{Value, json};

use crate::support::acting::{CREATE_BRANCH, REPO, auth_of, bearer_after_connect, last};
use crate::support::authorizations::{START, connect, follow, follow_and_complete, start, viewer_auth};
use crate::support::integrations::oauth_integration;
use crate::support::{error_code, queries, spawn_app};

#[tokio::test]
async fn an_app_without_offline_access_is_reported_not_ignored() {
    let app = spawn_app().await;
    let body = app
        .gql(
            &queries::create(),
            json!({ "i": { "name": "no-refresh", "organizationUrl": app.org_url(), "flavor": "SERVICES",
                "oauthApp": { "tenantId": DEFAULT_TENANT, "clientId": DEFAULT_CLIENT_ID,
                    "clientSecret": fake_azure::DEFAULT_CLIENT_SECRET,
                    "scopes": ["499b84ac-1321-427f-aa17-267ca6975798/vso.code_write"] } } }),
        )
        .await;
    let id = body
        .pointer("/data/createAzureDevOpsIntegration/integration/id")
        .and_then(Value::as_str)
        .expect("id")
        .to_owned();
    let alice = app.token("alice", "MEMBER").await;
    let started = start(&app, &alice, &id, None).await;
    let warnings = started["data"]["startAzureDevOpsAuthorization"]["warnings"].as_array().cloned().unwrap_or_default();
    assert!(warnings.iter().any(|w| w.as_str().unwrap_or("").contains("offline_access")), "{started}");
    let url = started["data"]["startAzureDevOpsAuthorization"]["authorizationUrl"].as_str().expect("url").to_owned();
    let cb = follow_and_complete(&app, &alice, &url).await;
    assert_eq!(cb.status, 200);
    assert!(cb.body.contains("no refresh token"), "{}", cb.body);
    assert_eq!(viewer_auth(&app, &alice, &id).await["refreshable"], false);
}

#[tokio::test]
async fn entra_refusing_the_code_exchange_stores_nothing() {
    let app = spawn_app().await;
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    let started = start(&app, &alice, &id, None).await;
    let url = started["data"]["startAzureDevOpsAuthorization"]["authorizationUrl"].as_str().expect("url").to_owned();
    // The app's secret was rotated in Entra since the integration was registered.
    app.fake.add_entra_app(
        DEFAULT_TENANT,
        EntraApp { client_id: DEFAULT_CLIENT_ID.into(), client_secret: "rotated-secret".into(), secret_expired: false },
    );
    let cb = follow(&url).await;
    assert_eq!(cb.status, 502, "{}", cb.body);
    assert!(cb.body.contains("AADSTS7000215"), "{}", cb.body);
    assert!(cb.body.contains("administrator"), "{}", cb.body);
    assert!(viewer_auth(&app, &alice, &id).await.is_null());
}

#[tokio::test]
async fn an_unknown_integration_is_not_found() {
    let app = spawn_app().await;
    let alice = app.token("alice", "MEMBER").await;
    let body =
        app.gql_as(Some(&alice), START, json!({ "i": { "integrationId": "QXp1cmVEZXZPcHNJbnRlZ3JhdGlvbjp4" } })).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"));
    let pat_only = app
        .gql(
            &queries::create(),
            json!({ "i": { "name": "pat", "organizationUrl": app.org_url(), "flavor": "SERVICES", "personalAccessToken": DEFAULT_PAT } }),
        )
        .await;
    let id = pat_only.pointer("/data/createAzureDevOpsIntegration/integration/id").and_then(Value::as_str).expect("id");
    let no_app = start(&app, &alice, id, None).await;
    assert_eq!(error_code(&no_app), Some("VALIDATION"));
    assert_eq!(no_app["errors"][0]["extensions"]["field"], "integrationId");
}

#[tokio::test]
async fn user_tokens_survive_rotate_key_and_a_restart() {
    let mut app = spawn_app().await;
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    assert_eq!(connect(&app, &alice, &id).await.status, 200);
    let bearer = bearer_after_connect(&app);
    // A pending state too: its sealed verifier must be re-sealed.
    start(&app, &alice, &id, None).await;
    app.stop_server().await;
    let out = app.cli(&["rotate-key"], &[]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    app.restart().await;
    let b = app
        .gql_as(
            Some(&alice),
            CREATE_BRANCH,
            json!({ "i": { "integrationId": id, "repository": REPO, "name": "after/rotate", "from": "main" } }),
        )
        .await;
    assert!(b.get("errors").is_none(), "{b}");
    assert_eq!(auth_of(&last(&app, "POST", "/refs")), bearer);
}
