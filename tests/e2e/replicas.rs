//! Two replicas on one database: OAuth started on one finishes on the other and completes on the
//! first; a token revoked on
//! one is refused by the other within the token-cache TTL.

use std::time::Duration;

use serde_json::json;

use crate::support::authorizations::{complete, get_callback, handle_of, start, viewer_auth};
use crate::support::integrations::oauth_integration;
use crate::support::{TestApp, error_code, on_both_backends, spawn_with};

/// A second server on `a`'s database, data dir (key file), public URL and fake Azure DevOps.
async fn second_replica(a: &TestApp) -> TestApp {
    let (db, dir, public, authority) =
        (a.config.database_url.clone(), a.data_dir.clone(), a.base.clone(), a.fake.entra_authority());
    spawn_with(a.backend, move |c| {
        c.database_url = db;
        c.data_dir = dir;
        c.public_url = Some(url::Url::parse(&public).expect("url"));
        c.entra_authority = url::Url::parse(&authority).expect("url");
        c.profile_url = url::Url::parse(&authority).expect("url");
        c.token_cache_ttl = Duration::from_millis(500);
    })
    .await
    .expect("second replica")
}

async fn oauth_started_on_one_replica_finishes_on_the_other(a: TestApp) {
    let b = second_replica(&a).await;
    let alice = a.token("alice", "MEMBER").await;
    let id = oauth_integration(&a, "replicated", false).await;
    let started = start(&a, &alice, &id, None).await;
    let url = started["data"]["startAzureDevOpsAuthorization"]["authorizationUrl"].as_str().expect("url").to_owned();
    let entra = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let back = entra.get(&url).send().await.expect("authorize");
    let location = back.headers()["location"].to_str().expect("location").to_owned();
    assert!(location.starts_with(&a.base), "{location}");
    // The load balancer sends the browser's callback to the other replica.
    let callback = get_callback(&location.replacen(&a.base, &b.base, 1)).await;
    assert_eq!(callback.status, 200, "{}", callback.body);
    // The platform completes it on the first replica again.
    let handle = handle_of(&callback).expect("handle");
    let done = complete(&a, &alice, &handle).await;
    assert!(done.get("errors").is_none(), "{done}");
    let seen_on_a = viewer_auth(&a, &alice, &id).await;
    assert_eq!(seen_on_a["method"], "OAUTH", "{seen_on_a}");
}
on_both_backends!(oauth_started_on_one_replica_finishes_on_the_other);

async fn a_token_revoked_on_one_replica_is_refused_by_the_other_within_the_ttl(a: TestApp) {
    let b = second_replica(&a).await;
    let body = a
        .gql("mutation { createApiToken(input: { user: \"ci\", role: MEMBER }) { token apiToken { id } } }", json!({}))
        .await;
    let token = body["data"]["createApiToken"]["token"].as_str().expect("token").to_owned();
    let token_id = body["data"]["createApiToken"]["apiToken"]["id"].clone();
    let viewer = "{ viewer { user } }";
    assert_eq!(b.gql_as(Some(&token), viewer, json!({})).await["data"]["viewer"]["user"], "ci", "b caches the token");
    a.gql("mutation($id: ID!) { revokeApiToken(input: { id: $id }) { revokedId } }", json!({ "id": token_id })).await;
    assert_eq!(error_code(&a.gql_as(Some(&token), viewer, json!({})).await), Some("UNAUTHENTICATED"), "at once on a");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        error_code(&b.gql_as(Some(&token), viewer, json!({})).await),
        Some("UNAUTHENTICATED"),
        "on b after the TTL"
    );
}
on_both_backends!(a_token_revoked_on_one_replica_is_refused_by_the_other_within_the_ttl);
