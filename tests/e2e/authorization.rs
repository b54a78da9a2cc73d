//! Users authorize themselves: the OAuth round trip over HTTP, state misuse, consent denied,
//! return URLs, personal PATs, disconnecting, and two users kept apart.

use fake_azure::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PAT, DEFAULT_TENANT, Pat, User};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::queries;
use crate::support::{Backend, TestApp, error_code, spawn_with};

pub const START: &str = "mutation($i: StartAzureDevOpsAuthorizationInput!) { startAzureDevOpsAuthorization(input: $i) { \
    authorizationUrl expiresAt warnings clientMutationId } }";
pub const VIEWER_AUTH: &str = "query($id: ID!) { azureDevOpsIntegration(id: $id) { viewerAuthorization { \
    method status authenticatedAs expiresAt scopes refreshable } } }";
pub const SET_PAT: &str = "mutation($i: SetPersonalAccessTokenInput!) { setPersonalAccessToken(input: $i) { \
    authorization { method status authenticatedAs expiresAt scopes } clientMutationId } }";
pub const DISCONNECT: &str = "mutation($i: DisconnectAzureDevOpsInput!) { disconnectAzureDevOps(input: $i) { \
    disconnected clientMutationId } }";

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

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// The callback's answer: status, `Location` (when redirected) and body.
pub struct Callback {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
    pub url: String,
}

/// Starts the flow as `token` and returns the authorization URL.
pub async fn start(app: &TestApp, token: &str, integration: &str, return_url: Option<&str>) -> Value {
    app.gql_as(
        Some(token),
        START,
        json!({ "i": { "integrationId": integration, "returnUrl": return_url, "clientMutationId": "s1" } }),
    )
    .await
}

/// What a browser does: open the authorize URL on Entra, follow its redirect to our callback.
pub async fn follow(authorization_url: &str) -> Callback {
    let http = no_redirects();
    let entra = http.get(authorization_url).send().await.expect("authorize");
    assert_eq!(entra.status().as_u16(), 302, "Entra redirects back");
    let back = entra.headers()["location"].to_str().expect("location").to_owned();
    get_callback(&back).await
}

pub async fn get_callback(url: &str) -> Callback {
    let r = no_redirects().get(url).send().await.expect("callback");
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
    Callback { status, location, body: r.text().await.unwrap_or_default(), url: url.to_owned() }
}

/// The whole round trip for `token`; returns the callback's answer.
pub async fn connect(app: &TestApp, token: &str, integration: &str) -> Callback {
    let started = start(app, token, integration, None).await;
    let url = started["data"]["startAzureDevOpsAuthorization"]["authorizationUrl"].as_str().expect("url").to_owned();
    follow(&url).await
}

pub async fn viewer_auth(app: &TestApp, token: &str, integration: &str) -> Value {
    let body = app.gql_as(Some(token), VIEWER_AUTH, json!({ "id": integration })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["azureDevOpsIntegration"]["viewerAuthorization"].clone()
}

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

    let cb = follow(url.as_str()).await;
    assert_eq!(cb.status, 200, "{}", cb.body);
    assert!(cb.body.contains("Azure DevOps is connected"), "{}", cb.body);

    let auth = viewer_auth(&app, &alice, &id).await;
    assert_eq!(auth["method"], "OAUTH");
    assert_eq!(auth["status"], "ACTIVE");
    assert_eq!(auth["authenticatedAs"], "dana@contoso.com");
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

#[tokio::test]
async fn a_state_lands_on_the_user_who_started_it_only() {
    let app = spawn_with(Backend::Sqlite, |_| {}).await.expect("app");
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    let bob = app.token("bob", "MEMBER").await;
    // Alice starts; whoever's browser finishes it, the tokens are Alice's, never Bob's.
    let started = start(&app, &alice, &id, None).await;
    let url = started["data"]["startAzureDevOpsAuthorization"]["authorizationUrl"].as_str().expect("url").to_owned();
    app.fake.set_sign_in_user(DEFAULT_TENANT, User::lee());
    assert_eq!(follow(&url).await.status, 200);
    assert_eq!(viewer_auth(&app, &alice, &id).await["authenticatedAs"], "lee@contoso.com");
    assert!(viewer_auth(&app, &bob, &id).await.is_null());
    // A made-up state finds nothing.
    let forged = get_callback(&format!("{}/oauth/azure-devops/callback?code=x&state=forged", app.base)).await;
    assert_eq!(forged.status, 400);
    assert!(viewer_auth(&app, &bob, &id).await.is_null());
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
    assert_eq!(cb.location.as_deref(), Some("https://app.example.com/settings?tab=vcs"));
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
    assert_eq!(viewer_auth(&app, &alice, &id).await["authenticatedAs"], "lee@contoso.com");

    let bye =
        app.gql_as(Some(&alice), DISCONNECT, json!({ "i": { "integrationId": id, "clientMutationId": "d" } })).await;
    assert_eq!(bye["data"]["disconnectAzureDevOps"], json!({ "disconnected": true, "clientMutationId": "d" }));
    assert!(viewer_auth(&app, &alice, &id).await.is_null());
    let again = app.gql_as(Some(&alice), DISCONNECT, json!({ "i": { "integrationId": id } })).await;
    assert_eq!(again["data"]["disconnectAzureDevOps"]["disconnected"], false);
    assert!(!crate::support::captured_responses().contains(lee_pat), "a personal PAT in a response");
}
on_both_backends!(a_personal_pat_is_checked_stored_and_disconnected);
