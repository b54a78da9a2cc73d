//! Users authorize themselves: the OAuth round trip over HTTP, state misuse, consent denied,
//! return URLs, personal PATs, disconnecting, and two users kept apart.

use fake_azure::{DEFAULT_CLIENT_ID, DEFAULT_TENANT, Pat, User};
use serde_json::json;

use crate::support::authorizations::{
    DISCONNECT, PENDING, SET_PAT, complete, connect, count_rows, follow, get_callback, handle_of, start, viewer_auth,
};
use crate::support::integrations::oauth_integration;
use crate::support::{Backend, TestApp, captured_responses, error_code, on_both_backends, spawn_with};

async fn the_oauth_round_trip_connects_the_caller(app: TestApp) {
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    let started = start(&app, &alice, &id, None).await;
    let p = &started["data"]["startAzureDevOpsAuthorization"];
    assert_eq!(p["clientMutationId"], "s1");
    assert_eq!(p["warnings"], json!([]));
    let url = url::Url::parse(p["authorizationUrl"].as_str().expect("url")).expect("absolute");
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q["client_id"], DEFAULT_CLIENT_ID);
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["redirect_uri"], format!("{}/oauth/azure-devops/callback", app.base));
    assert!(q["scope"].contains("offline_access"));

    assert_eq!(q["prompt"], "select_account", "the user sees which account is being connected");
    assert!(q["scope"].split(' ').any(|s| s == "openid"), "an ID token is asked for");
    assert_eq!(q["nonce"].len(), 64, "a nonce bound to the state: {q:?}");

    let cb = follow(url.as_str()).await;
    assert_eq!(cb.status, 200, "{}", cb.body);
    assert!(cb.body.contains("dana@contoso.com"), "the page names the account: {}", cb.body);
    let handle = handle_of(&cb).expect("the page shows the handle");
    assert!(viewer_auth(&app, &alice, &id).await.is_null(), "nothing is connected before completion");
    let pending = app.gql_as(Some(&alice), PENDING, json!({ "h": handle })).await;
    let pending = &pending["data"]["pendingAzureDevOpsAuthorization"];
    assert_eq!(pending["authenticatedAs"], "dana@contoso.com", "{pending}");
    assert_eq!(pending["accountObjectId"], User::dana().id, "the checked ID token's oid: {pending}");
    assert_eq!(pending["accountTenantId"], DEFAULT_TENANT, "and its tid");
    assert_eq!(pending["integration"]["id"], id.as_str());
    let done = complete(&app, &alice, &handle).await;
    assert_eq!(done["data"]["completeAzureDevOpsAuthorization"]["authorization"]["method"], "OAUTH", "{done}");
    assert_eq!(done["data"]["completeAzureDevOpsAuthorization"]["clientMutationId"], "c1");
    let again = complete(&app, &alice, &handle).await;
    assert_eq!(error_code(&again), Some("NOT_FOUND"), "a handle is single use: {again}");

    let auth = viewer_auth(&app, &alice, &id).await;
    assert_eq!(auth["method"], "OAUTH");
    assert_eq!(auth["status"], "ACTIVE");
    assert_eq!(auth["authenticatedAs"], "dana@contoso.com");
    assert_eq!(auth["accountObjectId"], User::dana().id);
    assert_eq!(auth["accountTenantId"], DEFAULT_TENANT);
    assert_eq!(auth["refreshable"], true);
    assert!(auth["expiresAt"].as_str().is_some());
    assert!(
        auth["scopes"]
            .as_array()
            .is_some_and(|s| s.iter().any(|x| x.as_str().unwrap_or("").ends_with("vso.code_write")))
    );
    let exchange = app
        .fake
        .requests()
        .into_iter()
        .find(|r| {
            r.path.ends_with("/oauth2/v2.0/token") && String::from_utf8_lossy(&r.body).contains("authorization_code")
        })
        .expect("code exchanged");
    let form = String::from_utf8_lossy(&exchange.body).into_owned();
    assert!(form.contains("code_verifier="), "{form}");

    // The state is single use: replaying the callback changes nothing.
    let replay = get_callback(&cb.url).await;
    assert_eq!(replay.status, 400);
    assert!(replay.body.contains("already used"), "{}", replay.body);
    assert_eq!(viewer_auth(&app, &alice, &id).await["authenticatedAs"], "dana@contoso.com");
}
on_both_backends!(the_oauth_round_trip_connects_the_caller);

#[tokio::test]
async fn an_expired_state_stores_nothing() {
    let app =
        spawn_with(Backend::Sqlite, |c| c.oauth_state_ttl = std::time::Duration::from_millis(1)).await.expect("app");
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let cb = connect(&app, &alice, &id).await;
    assert_eq!(cb.status, 400);
    assert!(cb.body.contains("expired"), "{}", cb.body);
    assert!(viewer_auth(&app, &alice, &id).await.is_null());
}

#[tokio::test]
async fn declined_consent_stores_nothing_and_says_what_to_do() {
    let app = spawn_with(Backend::Sqlite, |_| {}).await.expect("app");
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    app.fake.deny_next_authorization("access_denied");
    let cb = connect(&app, &alice, &id).await;
    assert_eq!(cb.status, 400);
    assert!(cb.body.contains("declined"), "{}", cb.body);
    assert!(cb.body.contains("Start the connection again"), "{}", cb.body);
    assert!(viewer_auth(&app, &alice, &id).await.is_null());
}

/// The attack: a MEMBER starts a flow and forwards the genuine Microsoft link to a colleague, who
/// is already signed in and consented, so one click finishes it. The tokens land on nobody.
async fn a_forwarded_link_files_the_colleagues_tokens_under_nobody(app: TestApp) {
    let id = oauth_integration(&app, "oauth", false).await;
    let mallory = app.token("mallory", "MEMBER").await;
    let lee = app.token("lee", "MEMBER").await;
    let started = start(&app, &mallory, &id, Some(&format!("{}/settings", app.base))).await;
    let link = started["data"]["startAzureDevOpsAuthorization"]["authorizationUrl"].as_str().expect("url").to_owned();

    // Lee's browser opens the link and signs in as Lee.
    app.fake.set_sign_in_user(DEFAULT_TENANT, User::lee());
    let cb = follow(&link).await;
    assert_eq!(cb.status, 303, "{}", cb.body);
    let handle = handle_of(&cb).expect("the redirect carries the handle to Lee's browser");
    assert!(viewer_auth(&app, &mallory, &id).await.is_null(), "the starter got nothing");
    assert!(viewer_auth(&app, &lee, &id).await.is_null(), "the callback stored nothing for Lee either");

    // Lee's platform session completes it: refused, it is not Lee's flow.
    let by_lee = complete(&app, &lee, &handle).await;
    assert_eq!(error_code(&by_lee), Some("NOT_FOUND"), "{by_lee}");
    let peek = app.gql_as(Some(&lee), PENDING, json!({ "h": handle })).await;
    assert!(peek["data"]["pendingAzureDevOpsAuthorization"].is_null(), "{peek}");
    // Without the handle (it went to Lee's browser) Mallory has nothing to complete; a guess fails.
    let guess = complete(&app, &mallory, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(error_code(&guess), Some("NOT_FOUND"), "{guess}");
    assert!(viewer_auth(&app, &mallory, &id).await.is_null());
    assert!(viewer_auth(&app, &lee, &id).await.is_null());

    // A made-up state finds nothing.
    let forged = get_callback(&format!("{}/oauth/azure-devops/callback?code=x&state=forged", app.base)).await;
    assert_eq!(forged.status, 400);
    assert_eq!(count_rows(&app, "user_authorizations").await, 0, "no token was stored for anyone");
}
on_both_backends!(a_forwarded_link_files_the_colleagues_tokens_under_nobody);

#[tokio::test]
async fn a_parked_grant_nobody_completes_is_purged_with_its_tokens() {
    let ttl = std::time::Duration::from_millis(400);
    let app = spawn_with(Backend::Sqlite, |c| c.oauth_state_ttl = ttl).await.expect("app");
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    let started = start(&app, &alice, &id, None).await;
    let link = started["data"]["startAzureDevOpsAuthorization"]["authorizationUrl"].as_str().expect("url").to_owned();
    let cb = follow(&link).await;
    let handle = handle_of(&cb).expect("handle");
    assert_eq!(count_rows(&app, "parked_authorizations").await, 1);
    // The janitor runs as often as a flow lives: the row goes without anyone asking.
    let mut waited = std::time::Duration::ZERO;
    while count_rows(&app, "parked_authorizations").await > 0 && waited < std::time::Duration::from_secs(10) {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += std::time::Duration::from_millis(100);
    }
    assert_eq!(count_rows(&app, "parked_authorizations").await, 0, "purged, tokens and all");
    let late = complete(&app, &alice, &handle).await;
    assert_eq!(error_code(&late), Some("NOT_FOUND"), "{late}");
    assert!(viewer_auth(&app, &alice, &id).await.is_null());
}

#[tokio::test]
async fn the_return_url_must_be_on_an_allowed_origin() {
    let app = spawn_with(Backend::Sqlite, |c| c.oauth_return_origins = vec!["https://app.example.com".into()])
        .await
        .expect("app");
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    let bad = start(&app, &alice, &id, Some("https://evil.example.net/steal")).await;
    assert_eq!(error_code(&bad), Some("VALIDATION"));
    assert_eq!(bad["errors"][0]["extensions"]["field"], "returnUrl");
    let ok = start(&app, &alice, &id, Some("https://app.example.com/settings?tab=vcs")).await;
    let url = ok["data"]["startAzureDevOpsAuthorization"]["authorizationUrl"].as_str().expect("url").to_owned();
    let cb = follow(&url).await;
    assert_eq!(cb.status, 303, "{}", cb.body);
    let location = cb.location.clone().unwrap_or_default();
    assert!(location.starts_with("https://app.example.com/settings?tab=vcs&vcslink_authorization="), "{location}");
    let done = complete(&app, &alice, &handle_of(&cb).expect("handle")).await;
    assert!(done.get("errors").is_none(), "{done}");
    assert_eq!(viewer_auth(&app, &alice, &id).await["method"], "OAUTH");
}

async fn a_personal_pat_is_checked_stored_and_disconnected(app: TestApp) {
    let id = oauth_integration(&app, "both", false).await;
    let alice = app.token("alice", "MEMBER").await;
    let lee_pat = "leepat0123456789abcdefghijklmnopqrstuvwxyz0123456789";
    app.fake.add_pat(fake_azure::DEFAULT_ORG, lee_pat, Pat::full(User::lee()));
    let rejected = app
        .gql_as(
            Some(&alice),
            SET_PAT,
            json!({ "i": { "integrationId": id, "token": "notarealtoken0123456789abcdefghij" } }),
        )
        .await;
    assert_eq!(error_code(&rejected), Some("VALIDATION"), "{rejected}");
    assert_eq!(rejected["errors"][0]["extensions"]["field"], "token");
    assert!(viewer_auth(&app, &alice, &id).await.is_null());

    let set = app
        .gql_as(
            Some(&alice),
            SET_PAT,
            json!({ "i": { "integrationId": id, "token": lee_pat, "clientMutationId": "p" } }),
        )
        .await;
    let a = &set["data"]["setPersonalAccessToken"];
    assert_eq!(a["clientMutationId"], "p", "{set}");
    assert_eq!(a["authorization"]["method"], "PERSONAL_ACCESS_TOKEN");
    assert_eq!(a["authorization"]["authenticatedAs"], "lee@contoso.com");
    let pat_auth = viewer_auth(&app, &alice, &id).await;
    assert_eq!(pat_auth["authenticatedAs"], "lee@contoso.com");
    assert!(pat_auth["accountObjectId"].is_null(), "a PAT has no ID token: {pat_auth}");

    let bye =
        app.gql_as(Some(&alice), DISCONNECT, json!({ "i": { "integrationId": id, "clientMutationId": "d" } })).await;
    assert_eq!(bye["data"]["disconnectAzureDevOps"], json!({ "disconnected": true, "clientMutationId": "d" }));
    assert!(viewer_auth(&app, &alice, &id).await.is_null());
    let again = app.gql_as(Some(&alice), DISCONNECT, json!({ "i": { "integrationId": id } })).await;
    assert_eq!(again["data"]["disconnectAzureDevOps"]["disconnected"], false);
    assert!(!captured_responses().contains(lee_pat), "a personal PAT in a response");
}
on_both_backends!(a_personal_pat_is_checked_stored_and_disconnected);
