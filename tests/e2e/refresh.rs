//! Refresh: one refresh under concurrency, a refused refresh expires the authorization, the
//! version compare-and-swap, and no user secret in the database file, a response or a log line.

use fake_azure::{DEFAULT_ORG, Pat, User};
use sea_orm::{Database, EntityTrait};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use crate::support::acting::{CREATE_BRANCH, REPO, WI_COMMENTS, auth_of, bearer_after_connect, last};
use crate::support::authorizations::{SET_PAT, connect, expire_in_db, refresh_grants, viewer_auth};
use crate::support::integrations::oauth_integration;
use crate::support::{TestApp, captured_logs, captured_responses, error_code, on_both_backends, spawn_app};

async fn an_expiring_token_is_refreshed_once_under_concurrency(app: TestApp) {
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    assert_eq!(connect(&app, &alice, &id).await.status, 200);
    let first = bearer_after_connect(&app);
    expire_in_db(&app).await;
    app.fake.expire_access_tokens();

    let calls = (0..20).map(|_| app.gql_as(Some(&alice), WI_COMMENTS, json!({ "id": id })));
    let answers = futures::future::join_all(calls).await;
    for a in &answers {
        assert!(a.get("errors").is_none(), "{a}");
    }
    assert_eq!(refresh_grants(&app), 1, "exactly one refresh");
    let used = auth_of(&last(&app, "GET", "/comments"));
    assert_ne!(used, first, "the refreshed token is used");
    let auth = viewer_auth(&app, &alice, &id).await;
    assert_eq!(auth["status"], "ACTIVE");
    let expires: chrono::DateTime<chrono::Utc> = auth["expiresAt"].as_str().expect("expiry").parse().expect("date");
    assert!(expires > chrono::Utc::now() + chrono::Duration::minutes(30));
}
on_both_backends!(an_expiring_token_is_refreshed_once_under_concurrency);

async fn a_refused_refresh_expires_the_authorization(app: TestApp) {
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    assert_eq!(connect(&app, &alice, &id).await.status, 200);
    expire_in_db(&app).await;
    app.fake.expire_grants();
    let denied = app
        .gql_as(
            Some(&alice),
            CREATE_BRANCH,
            json!({ "i": { "integrationId": id, "repository": REPO, "name": "x", "from": "main" } }),
        )
        .await;
    assert_eq!(error_code(&denied), Some("NOT_AUTHORIZED_UPSTREAM"), "{denied}");
    let e = &denied["errors"][0];
    assert!(e["message"].as_str().unwrap_or("").contains("expired"), "{e}");
    assert_eq!(e["extensions"]["startMutation"], "startAzureDevOpsAuthorization", "{e}");
    assert_eq!(viewer_auth(&app, &alice, &id).await["status"], "EXPIRED");
    // Connecting again makes it ACTIVE.
    assert_eq!(connect(&app, &alice, &id).await.status, 200);
    assert_eq!(viewer_auth(&app, &alice, &id).await["status"], "ACTIVE");
}
on_both_backends!(a_refused_refresh_expires_the_authorization);

async fn an_older_refresh_never_overwrites_a_newer_one(app: TestApp) {
    use vcslink_api::store::user_authorizations as auths;
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    assert_eq!(connect(&app, &alice, &id).await.status, 200);
    let db = Database::connect(&app.config.database_url).await.expect("db");
    let keyring = vcslink_api::app::load_keyring(&app.config).expect("keyring");
    let seen = entity::user_authorization::Entity::find().one(&db).await.expect("query").expect("row");
    let expiry = chrono::Utc::now() + chrono::Duration::hours(1);
    let newer = SecretString::from("access-from-replica-a");
    let older = SecretString::from("access-from-replica-b");
    // Two replicas read the same version; the first swap wins, the second finds it moved on.
    assert!(auths::swap_tokens(&db, &keyring, &seen, &newer, None, expiry).await.expect("swap"));
    assert!(!auths::swap_tokens(&db, &keyring, &seen, &older, None, expiry).await.expect("swap"));
    assert!(!auths::mark_expired(&db, &seen).await.expect("mark"));
    let now = entity::user_authorization::Entity::find().one(&db).await.expect("query").expect("row");
    assert_eq!(now.version, seen.version + 1);
    let opened = auths::open_access_token(&keyring, &now).expect("opens").expect("token");
    assert_eq!(opened.expose_secret(), "access-from-replica-a");
    assert!(auths::open_refresh_token(&keyring, &now).expect("opens").is_some(), "refresh token kept");
}
on_both_backends!(an_older_refresh_never_overwrites_a_newer_one);

#[tokio::test]
async fn no_user_secret_reaches_the_database_file_a_response_or_a_log() {
    let app = spawn_app().await;
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    let bob = app.token("bob", "MEMBER").await;
    assert_eq!(connect(&app, &alice, &id).await.status, 200);
    expire_in_db(&app).await;
    let b = app
        .gql_as(
            Some(&alice),
            CREATE_BRANCH,
            json!({ "i": { "integrationId": id, "repository": REPO, "name": "a/1", "from": "main" } }),
        )
        .await;
    assert!(b.get("errors").is_none(), "{b}");
    let bob_pat = "bobsecretpat0123456789abcdefghijklmnopqrstuvwxyz0123";
    app.fake.add_pat(DEFAULT_ORG, bob_pat, Pat::full(User::lee()));
    app.gql_as(Some(&bob), SET_PAT, json!({ "i": { "integrationId": id, "token": bob_pat } })).await;
    app.gql_as(
        Some(&bob),
        CREATE_BRANCH,
        json!({ "i": { "integrationId": id, "repository": REPO, "name": "b/1", "from": "main" } }),
    )
    .await;

    let audit = app.gql("{ auditEvents(first: 100) { edges { node { action details } } } }", json!({})).await;
    let actions = audit.to_string();
    for action in ["user_authorization.start", "user_authorization.connect", "repository.create_branch"] {
        assert!(actions.contains(action), "audited {action}: {audit}");
    }
    let mut secrets = vec![bob_pat.to_owned()];
    for r in app.fake.requests() {
        if let Some(token) = auth_of(&r).strip_prefix("Bearer ") {
            secrets.push(token.to_owned());
        }
        if r.path.ends_with("/oauth2/v2.0/token") {
            for (k, v) in url::form_urlencoded::parse(&r.body) {
                if k == "refresh_token" || k == "code_verifier" || k == "code" {
                    secrets.push(v.into_owned());
                }
            }
        }
    }
    assert!(secrets.len() >= 5, "bearers, a refresh token, a verifier and a code were seen: {}", secrets.len());
    let db = app.database_bytes();
    let (responses, logs) = (captured_responses(), captured_logs());
    for s in &secrets {
        assert!(!db.windows(s.len()).any(|w| w == s.as_bytes()), "a user secret in the database file");
        assert!(!responses.contains(s.as_str()), "a user secret in a GraphQL response");
        assert!(!logs.contains(s.as_str()), "a user secret in a log line");
    }
}

#[tokio::test]
async fn with_an_expired_authorization_reads_fall_back_and_writes_ask_to_reconnect() {
    let app = spawn_app().await;
    let id = oauth_integration(&app, "oauth", true).await;
    let alice = app.token("alice", "MEMBER").await;
    assert_eq!(connect(&app, &alice, &id).await.status, 200);
    expire_in_db(&app).await;
    app.fake.expire_grants();
    let read = app.gql_as(Some(&alice), WI_COMMENTS, json!({ "id": id })).await;
    assert!(read.get("errors").is_none(), "{read}");
    assert!(auth_of(&last(&app, "GET", "/comments")).starts_with("Basic "), "the integration PAT served the read");
    let write = app
        .gql_as(
            Some(&alice),
            CREATE_BRANCH,
            json!({ "i": { "integrationId": id, "repository": REPO, "name": "y", "from": "main" } }),
        )
        .await;
    assert_eq!(error_code(&write), Some("NOT_AUTHORIZED_UPSTREAM"), "{write}");
    assert!(write["errors"][0]["extensions"]["hint"].as_str().is_some());
}
