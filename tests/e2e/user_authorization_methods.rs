//! The admin chooses how users may connect (`userAuthorizationMethods`): the default is every way
//! the integration offers; a disabled way is refused with a hint, left out of
//! `NOT_AUTHORIZED_UPSTREAM`, and taking one away expires the grants made with it.

use fake_azure::{DEFAULT_ORG, DEFAULT_PAT, Pat, User};
use serde_json::{Value, json};

use crate::support::acting::{CREATE_BRANCH, REPO};
use crate::support::authorizations::{SET_PAT, connect, start, viewer_auth};
use crate::support::integrations::oauth_integration;
use crate::support::{TestApp, error_code, on_both_backends, queries};

const METHODS: &str = "query($id: ID!) { azureDevOpsIntegration(id: $id) { userAuthorizationMethods } }";
const UPDATE: &str = "mutation($i: UpdateAzureDevOpsIntegrationInput!) { updateAzureDevOpsIntegration(input: $i) { \
    integration { userAuthorizationMethods } expiredUserAuthorizations } }";

async fn methods_of(app: &TestApp, id: &str) -> Value {
    app.gql(METHODS, json!({ "id": id })).await["data"]["azureDevOpsIntegration"]["userAuthorizationMethods"].clone()
}

async fn set_methods(app: &TestApp, id: &str, methods: Value) -> Value {
    let body =
        app.gql(UPDATE, json!({ "i": { "id": id, "userAuthorizationMethods": methods, "verify": false } })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["updateAzureDevOpsIntegration"].clone()
}

/// The extensions of the error a member without a connection gets when acting as themselves.
async fn ways_to_connect(app: &TestApp, token: &str, id: &str) -> Value {
    let i = json!({ "i": { "integrationId": id, "repository": REPO, "name": "x", "from": "main" } });
    let denied = app.gql_as(Some(token), CREATE_BRANCH, i).await;
    assert_eq!(error_code(&denied), Some("NOT_AUTHORIZED_UPSTREAM"), "{denied}");
    denied["errors"][0]["extensions"].clone()
}

async fn set_pat(app: &TestApp, token: &str, id: &str, pat: &str) -> Value {
    app.gql_as(Some(token), SET_PAT, json!({ "i": { "integrationId": id, "token": pat } })).await
}

on_both_backends!(the_admin_chooses_how_users_connect);
async fn the_admin_chooses_how_users_connect(app: TestApp) {
    // Defaults: every way the integration can offer.
    let id = oauth_integration(&app, "methods", true).await;
    assert_eq!(methods_of(&app, &id).await, json!(["OAUTH", "PERSONAL_ACCESS_TOKEN"]));
    let pat_only = json!({ "name": "pat-only", "organizationUrl": app.org_url(), "flavor": "SERVICES",
        "personalAccessToken": DEFAULT_PAT, "verify": false });
    let created = app.gql(&queries::create(), json!({ "i": pat_only })).await;
    let pat_only_id = created["data"]["createAzureDevOpsIntegration"]["integration"]["id"].as_str().expect("id");
    assert_eq!(methods_of(&app, pat_only_id).await, json!(["PERSONAL_ACCESS_TOKEN"]));
    let refused = app
        .gql(
            &queries::create(),
            json!({ "i": { "name": "oauth-without-app", "organizationUrl": app.org_url(), "flavor": "SERVICES",
                "personalAccessToken": DEFAULT_PAT, "verify": false, "userAuthorizationMethods": ["OAUTH"] } }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("VALIDATION"), "{refused}");
    assert_eq!(refused["errors"][0]["extensions"]["field"], "userAuthorizationMethods");

    // Alice signs in through OAuth, Bob pastes a personal access token.
    let alice = app.token("alice", "MEMBER").await;
    let bob = app.token("bob", "MEMBER").await;
    let carol = app.token("carol", "MEMBER").await;
    assert_eq!(connect(&app, &alice, &id).await.status, 200);
    let bob_pat = "bobpat0123456789abcdefghijklmnopqrstuvwxyz01234567";
    app.fake.add_pat(DEFAULT_ORG, bob_pat, Pat::full(User::lee()));
    let set = set_pat(&app, &bob, &id, bob_pat).await;
    assert!(set.get("errors").is_none(), "{set}");
    let both = ways_to_connect(&app, &carol, &id).await;
    assert!(both["startMutation"].is_string() && both["personalAccessTokenUrl"].is_string(), "{both}");

    // Personal access tokens only: OAuth grants expire, OAuth is refused, the error offers PATs.
    let only_pats = set_methods(&app, &id, json!(["PERSONAL_ACCESS_TOKEN"])).await;
    assert_eq!(only_pats["expiredUserAuthorizations"], 1, "{only_pats}");
    assert_eq!(only_pats["integration"]["userAuthorizationMethods"], json!(["PERSONAL_ACCESS_TOKEN"]));
    assert_eq!(viewer_auth(&app, &alice, &id).await["status"], "EXPIRED");
    assert_eq!(viewer_auth(&app, &bob, &id).await["status"], "ACTIVE");
    let started = start(&app, &carol, &id, None).await;
    assert_eq!(error_code(&started), Some("FORBIDDEN"), "{started}");
    let hint = started["errors"][0]["extensions"]["hint"].as_str().unwrap_or_default();
    assert!(hint.contains("setPersonalAccessToken") && hint.contains("userAuthorizationMethods"), "{hint}");
    let pats = ways_to_connect(&app, &carol, &id).await;
    assert!(pats["startMutation"].is_null() && pats["personalAccessTokenUrl"].is_string(), "{pats}");
    assert!(!pats["hint"].as_str().unwrap_or_default().contains("startAzureDevOpsAuthorization"), "{pats}");

    // OAuth only: PAT grants expire, PATs are refused, the error offers the sign-in.
    let only_oauth = set_methods(&app, &id, json!(["OAUTH"])).await;
    assert_eq!(only_oauth["expiredUserAuthorizations"], 1, "{only_oauth}");
    assert_eq!(viewer_auth(&app, &bob, &id).await["status"], "EXPIRED");
    let refused = set_pat(&app, &carol, &id, bob_pat).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    assert!(
        refused["errors"][0]["extensions"]["hint"]
            .as_str()
            .is_some_and(|h| h.contains("startAzureDevOpsAuthorization"))
    );
    let oauth = ways_to_connect(&app, &carol, &id).await;
    assert!(oauth["startMutation"].is_string() && oauth["personalAccessTokenUrl"].is_null(), "{oauth}");

    // A sign-in started while OAuth was allowed cannot complete once it is not.
    let pending = start(&app, &carol, &id, None).await;
    let url = pending["data"]["startAzureDevOpsAuthorization"]["authorizationUrl"].as_str().expect("url").to_owned();
    set_methods(&app, &id, json!(["PERSONAL_ACCESS_TOKEN"])).await;
    crate::support::authorizations::follow_and_complete_expecting(&app, &carol, &url, "FORBIDDEN").await;
    assert!(viewer_auth(&app, &carol, &id).await.is_null());

    // Null: back to every way offered.
    let reset = set_methods(&app, &id, Value::Null).await;
    assert_eq!(reset["integration"]["userAuthorizationMethods"], json!(["OAUTH", "PERSONAL_ACCESS_TOKEN"]));
    assert!(set_pat(&app, &carol, &id, bob_pat).await.get("errors").is_none());
}
