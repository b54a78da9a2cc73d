//! The organization's own Entra tenant (filled when omitted, `common` refused, mismatches and
//! Microsoft-account organizations reported) and the Entra refusals that need a new sign-in.

use fake_azure::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_ORG, DEFAULT_TENANT, EntraApp, EntraFault};
use serde_json::{Value, json};

use crate::support::acting::WI_COMMENTS;
use crate::support::authorizations::{connect, expire_in_db, follow, refresh_grants, start, viewer_auth};
use crate::support::integrations::oauth_integration;
use crate::support::{TestApp, error_code, on_both_backends, queries, spawn_app};

const OTHER_TENANT: &str = "7c0d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f";

fn input(app: &TestApp, oauth: Value) -> Value {
    json!({ "name": format!("oauth-{}", uuid::Uuid::new_v4()), "organizationUrl": app.org_url(), "flavor": "SERVICES",
            "oauthApp": oauth })
}

async fn create(app: &TestApp, oauth: Value) -> Value {
    app.gql(&queries::create(), json!({ "i": input(app, oauth) })).await
}

fn check<'a>(payload: &'a Value, name: &str) -> &'a Value {
    let checks = payload.pointer("/verification/checks").and_then(Value::as_array).expect("checks");
    checks.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no {name} in {payload}"))
}

#[tokio::test]
async fn an_oauth_app_without_tenant_id_gets_the_organizations_tenant() {
    let app = spawn_app().await;
    let body = create(&app, json!({ "clientId": DEFAULT_CLIENT_ID, "clientSecret": DEFAULT_CLIENT_SECRET })).await;
    let p = &body["data"]["createAzureDevOpsIntegration"];
    assert!(body.get("errors").is_none(), "{body}");
    let oauth = &p["integration"]["oauthApp"];
    assert_eq!(oauth["tenantId"], DEFAULT_TENANT, "{body}");
    assert!(oauth["authorizationUrl"].as_str().unwrap().contains(&format!("/{DEFAULT_TENANT}/oauth2/v2.0/authorize")));
    assert_eq!(p["integration"]["status"], "HEALTHY", "{body}");
    assert_eq!(check(p, "ORGANIZATION_TENANT")["ok"], true, "{body}");
    let probe = app
        .fake
        .requests()
        .into_iter()
        .find(|r| r.method == "HEAD" && r.path == format!("/{DEFAULT_ORG}"))
        .expect("one anonymous HEAD to the organization URL");
    assert_eq!(probe.header("authorization"), None);
}

#[tokio::test]
async fn common_and_organizations_are_refused_because_guests_would_get_tokens_from_their_home_tenant() {
    let app = spawn_app().await;
    for alias in ["common", "organizations", "consumers"] {
        let body = create(
            &app,
            json!({ "tenantId": alias, "clientId": DEFAULT_CLIENT_ID, "clientSecret": DEFAULT_CLIENT_SECRET }),
        )
        .await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
        let ext = &body["errors"][0]["extensions"];
        assert_eq!(ext["field"], "oauthApp.tenantId");
        let hint = ext["hint"].as_str().unwrap_or("");
        assert!(hint.contains("organization's own tenant") && hint.contains("TF400813"), "{hint}");
    }
}

#[tokio::test]
async fn an_app_registered_in_another_tenant_is_a_tenant_mismatch() {
    let app = spawn_app().await;
    let other_app = EntraApp {
        client_id: "33334444-dddd-5555-eeee-6666ffff7777".into(),
        client_secret: "other~tenant-secret-0000000000".into(),
        secret_expired: false,
    };
    app.fake.add_entra_app(OTHER_TENANT, other_app.clone());
    let body = create(
        &app,
        json!({ "tenantId": OTHER_TENANT, "clientId": other_app.client_id, "clientSecret": other_app.client_secret }),
    )
    .await;
    let p = &body["data"]["createAzureDevOpsIntegration"];
    assert_eq!(p["verification"]["code"], "TENANT_MISMATCH", "{body}");
    assert_eq!(p["integration"]["status"], "FAILING");
    let message = p["verification"]["message"].as_str().unwrap_or("");
    assert!(message.contains(OTHER_TENANT) && message.contains(DEFAULT_TENANT), "{message}");
    assert!(p["verification"]["hint"].as_str().unwrap_or("").contains("omit tenantId"), "{body}");
    assert_eq!(check(p, "OAUTH_APP_VALID")["ok"], true, "the app itself is fine: {body}");
}

#[tokio::test]
async fn a_microsoft_account_organization_is_reported_as_personal_access_tokens_only() {
    let app = spawn_app().await;
    app.fake.set_org_backed_by_microsoft_accounts(DEFAULT_ORG);
    let body = create(&app, json!({ "clientId": DEFAULT_CLIENT_ID, "clientSecret": DEFAULT_CLIENT_SECRET })).await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    let e = &body["errors"][0];
    assert_eq!(e["extensions"]["field"], "oauthApp.tenantId");
    assert!(e["message"].as_str().unwrap_or("").contains("ORGANIZATION_PAT_ONLY"), "{e}");
    assert!(e["extensions"]["hint"].as_str().unwrap_or("").contains("personal access tokens"), "{e}");

    // A tenant the administrator names overrides the zero; the check still warns.
    let body = create(
        &app,
        json!({ "tenantId": DEFAULT_TENANT, "clientId": DEFAULT_CLIENT_ID, "clientSecret": DEFAULT_CLIENT_SECRET }),
    )
    .await;
    let p = &body["data"]["createAzureDevOpsIntegration"];
    assert_eq!(p["integration"]["oauthApp"]["tenantId"], DEFAULT_TENANT, "{body}");
    assert_eq!(p["verification"]["ok"], true, "a warning, not a failure: {body}");
    let c = check(p, "ORGANIZATION_TENANT");
    assert_eq!(c["code"], "ORGANIZATION_PAT_ONLY", "{body}");
    assert!(c["message"].as_str().unwrap_or("").contains("personal access tokens only"), "{c}");
}

/// A connected user whose access token has expired, so the next call refreshes.
async fn connected_then_expired(app: &TestApp, integration: &str, token: &str) {
    app.fake.set_user_grant_fault(None);
    assert_eq!(connect(app, token, integration).await.status, 200);
    expire_in_db(app).await;
    app.fake.expire_access_tokens();
}

async fn refusals_that_need_a_new_sign_in_expire_the_authorization_with_a_reconnect_link(app: TestApp) {
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    for (fault, reason) in [
        (EntraFault::MfaRequired, "multi-factor authentication is now required"),
        (EntraFault::ConsentRequired, "consent for the app is missing"),
        (EntraFault::SignInFrequency, "sign-in frequency"),
        (EntraFault::RefreshTokenIdle, "90 days"),
        (EntraFault::GrantRevoked, "revoked"),
    ] {
        connected_then_expired(&app, &id, &alice).await;
        app.fake.set_user_grant_fault(Some(fault));
        let before = refresh_grants(&app);
        let denied = app.gql_as(Some(&alice), WI_COMMENTS, json!({ "id": id })).await;
        assert_eq!(error_code(&denied), Some("NOT_AUTHORIZED_UPSTREAM"), "{fault:?}: {denied}");
        let e = &denied["errors"][0];
        assert!(e["message"].as_str().unwrap_or("").contains(reason), "{fault:?}: {e}");
        assert_eq!(e["extensions"]["startMutation"], "startAzureDevOpsAuthorization", "how to reconnect: {e}");
        assert!(e["extensions"]["hint"].as_str().unwrap_or("").contains("authorizationUrl"), "{e}");
        assert_eq!(viewer_auth(&app, &alice, &id).await["status"], "EXPIRED", "{fault:?}");
        assert_eq!(refresh_grants(&app), before + 1, "{fault:?}: one refresh");

        // The next call does not ask Entra again: the authorization is expired until reconnected.
        let again = app.gql_as(Some(&alice), WI_COMMENTS, json!({ "id": id })).await;
        assert_eq!(error_code(&again), Some("NOT_AUTHORIZED_UPSTREAM"), "{again}");
        assert_eq!(again["errors"][0]["extensions"]["startMutation"], "startAzureDevOpsAuthorization", "{again}");
        assert_eq!(refresh_grants(&app), before + 1, "{fault:?}: Entra is not asked again");
    }
    // Starting again, as the error says, reconnects.
    app.fake.set_user_grant_fault(None);
    let denied = app.gql_as(Some(&alice), WI_COMMENTS, json!({ "id": id })).await;
    assert_eq!(denied["errors"][0]["extensions"]["startMutation"], "startAzureDevOpsAuthorization", "{denied}");
    assert_eq!(connect(&app, &alice, &id).await.status, 200);
    assert_eq!(viewer_auth(&app, &alice, &id).await["status"], "ACTIVE");
}
on_both_backends!(refusals_that_need_a_new_sign_in_expire_the_authorization_with_a_reconnect_link);

#[tokio::test]
async fn a_temporarily_unavailable_entra_stays_transient_and_keeps_the_connection() {
    let app = spawn_app().await;
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    connected_then_expired(&app, &id, &alice).await;
    app.fake.set_user_grant_fault(Some(EntraFault::TemporarilyUnavailable));
    let failed = app.gql_as(Some(&alice), WI_COMMENTS, json!({ "id": id })).await;
    assert_eq!(error_code(&failed), Some("UPSTREAM_UNAVAILABLE"), "{failed}");
    assert_eq!(viewer_auth(&app, &alice, &id).await["status"], "ACTIVE");
    app.fake.set_user_grant_fault(None);
    let ok = app.gql_as(Some(&alice), WI_COMMENTS, json!({ "id": id })).await;
    assert!(ok.get("errors").is_none(), "the kept refresh token works once Entra is back: {ok}");
}

#[tokio::test]
async fn a_conditional_access_block_has_its_own_code_and_keeps_the_connection() {
    let app = spawn_app().await;
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    connected_then_expired(&app, &id, &alice).await;
    app.fake.set_user_grant_fault(Some(EntraFault::ConditionalAccessBlocked));
    let blocked = app.gql_as(Some(&alice), WI_COMMENTS, json!({ "id": id })).await;
    assert_eq!(error_code(&blocked), Some("NOT_AUTHORIZED_UPSTREAM"), "{blocked}");
    let e = &blocked["errors"][0];
    assert!(e["message"].as_str().unwrap_or("").contains("CONDITIONAL_ACCESS_BLOCKED"), "{e}");
    assert!(e["extensions"]["hint"].as_str().unwrap_or("").contains("does not help until"), "{e}");
    assert!(e["extensions"].get("startMutation").is_none(), "a sign-in would not help: {e}");
    assert_eq!(viewer_auth(&app, &alice, &id).await["status"], "ACTIVE");
}

#[tokio::test]
async fn a_redemption_that_needs_interaction_says_to_sign_in_again_and_stores_nothing() {
    let app = spawn_app().await;
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    let started = start(&app, &alice, &id, None).await;
    let url = started["data"]["startAzureDevOpsAuthorization"]["authorizationUrl"].as_str().expect("url").to_owned();
    app.fake.set_user_grant_fault(Some(EntraFault::MfaRequired));
    let cb = follow(&url).await;
    assert_eq!(cb.status, 400, "{}", cb.body);
    assert!(cb.body.contains("new sign-in") && cb.body.contains("AADSTS50076"), "{}", cb.body);
    assert!(viewer_auth(&app, &alice, &id).await.is_null());
    app.fake.set_user_grant_fault(Some(EntraFault::ConditionalAccessBlocked));
    let started = start(&app, &alice, &id, None).await;
    let url = started["data"]["startAzureDevOpsAuthorization"]["authorizationUrl"].as_str().expect("url").to_owned();
    let cb = follow(&url).await;
    assert_eq!(cb.status, 403, "{}", cb.body);
    assert!(cb.body.contains("CONDITIONAL_ACCESS_BLOCKED"), "{}", cb.body);
}

#[tokio::test]
async fn an_app_whose_secret_entra_no_longer_takes_keeps_the_connection_and_names_the_administrator() {
    let app = spawn_app().await;
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    connected_then_expired(&app, &id, &alice).await;
    // The secret was rotated in Entra since the integration was registered.
    app.fake.add_entra_app(
        DEFAULT_TENANT,
        EntraApp { client_id: DEFAULT_CLIENT_ID.into(), client_secret: "rotated-secret".into(), secret_expired: false },
    );
    let refused = app.gql_as(Some(&alice), WI_COMMENTS, json!({ "id": id })).await;
    assert_eq!(error_code(&refused), Some("NOT_AUTHORIZED_UPSTREAM"), "{refused}");
    let e = &refused["errors"][0];
    assert!(e["message"].as_str().unwrap_or("").contains("AADSTS7000215"), "{e}");
    assert!(e["extensions"]["hint"].as_str().unwrap_or("").contains("administrator"), "{e}");
    assert_eq!(viewer_auth(&app, &alice, &id).await["status"], "ACTIVE", "not the user's fault");
}
