//! Every verification scenario of the fake Azure DevOps / Entra ID maps to its code, with a hint.

use std::time::Duration;

use fake_azure::{Behaviour, EntraApp, Pat, ServerOptions, ServerRelease, User};
use serde_json::{Value, json};

use crate::support::{TestApp, on_both_backends, queries};

/// Creates an integration and returns (payload verification, stored status).
async fn create(app: &TestApp, input: Value) -> (Value, String) {
    let body = app.gql(&queries::create(), json!({ "i": input })).await;
    assert!(body.get("errors").is_none(), "create failed: {body}");
    let p = &body["data"]["createAzureDevOpsIntegration"];
    (p["verification"].clone(), p["integration"]["status"].as_str().unwrap_or_default().to_owned())
}

fn assert_failing(v: &Value, status: &str, code: &str) {
    assert_eq!(status, "FAILING");
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["code"], code, "{v}");
    assert!(v["hint"].as_str().is_some_and(|h| !h.is_empty()), "a failing code carries a hint: {v}");
}

fn pat_input(app: &TestApp, org_url: &str, pat: &str) -> Value {
    let _ = app;
    json!({ "name": format!("it-{}", uuid::Uuid::new_v4()), "organizationUrl": org_url, "flavor": "SERVICES", "personalAccessToken": pat })
}

async fn a_bad_pat_is_reported_as_pat_invalid(app: TestApp) {
    let (v, status) = create(&app, pat_input(&app, &app.org_url(), "not-a-real-token-0000000000000000")).await;
    assert_failing(&v, &status, "PAT_INVALID");
}
on_both_backends!(a_bad_pat_is_reported_as_pat_invalid);

async fn an_expired_pat_is_reported_as_pat_expired(app: TestApp) {
    app.fake.add_pat("contoso", "expired-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Pat::expired(User::dana()));
    let (v, status) =
        create(&app, pat_input(&app, &app.org_url(), "expired-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).await;
    assert_failing(&v, &status, "PAT_EXPIRED");
}
on_both_backends!(an_expired_pat_is_reported_as_pat_expired);

async fn a_pat_without_scope_is_reported_as_insufficient_scope(app: TestApp) {
    app.fake.add_pat(
        "contoso",
        "narrow-token-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        Pat::with_scopes(User::dana(), &["vso.code"]),
    );
    let (v, status) =
        create(&app, pat_input(&app, &app.org_url(), "narrow-token-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")).await;
    assert_failing(&v, &status, "PAT_INSUFFICIENT_SCOPE");
}
on_both_backends!(a_pat_without_scope_is_reported_as_insufficient_scope);

async fn an_unknown_organization_is_reported(app: TestApp) {
    let url = app.fake.org_url("no-such-org");
    let (v, status) = create(&app, pat_input(&app, &url, fake_azure::DEFAULT_PAT)).await;
    assert_failing(&v, &status, "ORGANIZATION_NOT_FOUND");
}
on_both_backends!(an_unknown_organization_is_reported);

async fn rate_limiting_is_reported_with_its_retry_after(app: TestApp) {
    app.fake.set_behaviour("contoso", Behaviour::RateLimited { retry_after_secs: 30 });
    let (v, status) = create(&app, pat_input(&app, &app.org_url(), fake_azure::DEFAULT_PAT)).await;
    assert_failing(&v, &status, "UPSTREAM_RATE_LIMITED");
    assert!(v["message"].as_str().unwrap_or_default().contains("30"), "{v}");
}
on_both_backends!(rate_limiting_is_reported_with_its_retry_after);

async fn a_slow_organization_times_out_as_unreachable(app: TestApp) {
    app.fake.set_behaviour("contoso", Behaviour::Slow(Duration::from_secs(10)));
    let started = std::time::Instant::now();
    let (v, status) = create(&app, pat_input(&app, &app.org_url(), fake_azure::DEFAULT_PAT)).await;
    assert_failing(&v, &status, "UPSTREAM_UNREACHABLE");
    assert!(started.elapsed() < Duration::from_secs(9), "the upstream timeout fired");
}
on_both_backends!(a_slow_organization_times_out_as_unreachable);

async fn a_server_answering_with_localhost_urls_is_reported(app: TestApp) {
    app.fake.add_server_collection(
        "DefaultCollection",
        ServerOptions { release: ServerRelease::Server2022, localhost_urls: true },
    );
    app.fake.add_pat("DefaultCollection", fake_azure::DEFAULT_PAT, Pat::full(User::dana()));
    app.fake.add_project("DefaultCollection", "Infra");
    let url = app.fake.org_url("DefaultCollection");
    let input = json!({ "name": "onprem", "organizationUrl": url, "flavor": "SERVER", "personalAccessToken": fake_azure::DEFAULT_PAT });
    let (v, status) = create(&app, input).await;
    assert_failing(&v, &status, "SERVER_URL_POINTS_TO_LOCALHOST");
    // The server's api-version (7.0) was found and used after 7.1 was refused.
    assert!(app.fake.requests().iter().any(|r| r.api_version() == Some("7.0")));
}
on_both_backends!(a_server_answering_with_localhost_urls_is_reported);

fn oauth_input(app: &TestApp, tenant: &str, client_id: &str, secret: &str) -> Value {
    json!({ "name": format!("oauth-{}", uuid::Uuid::new_v4()), "organizationUrl": app.org_url(), "flavor": "SERVICES",
            "oauthApp": { "tenantId": tenant, "clientId": client_id, "clientSecret": secret } })
}

async fn a_valid_entra_app_verifies(app: TestApp) {
    let input =
        oauth_input(&app, fake_azure::DEFAULT_TENANT, fake_azure::DEFAULT_CLIENT_ID, fake_azure::DEFAULT_CLIENT_SECRET);
    let (v, status) = create(&app, input).await;
    assert_eq!(status, "HEALTHY", "{v}");
    let checks = v["checks"].as_array().cloned().unwrap_or_default();
    assert!(checks.iter().any(|c| c["name"] == "OAUTH_APP_VALID" && c["ok"] == true), "{v}");
}
on_both_backends!(a_valid_entra_app_verifies);

async fn a_wrong_client_secret_is_reported_as_invalid_client(app: TestApp) {
    let input =
        oauth_input(&app, fake_azure::DEFAULT_TENANT, fake_azure::DEFAULT_CLIENT_ID, "wrong~secret-value-000000000000");
    let (v, status) = create(&app, input).await;
    assert_failing(&v, &status, "OAUTH_INVALID_CLIENT");
    let unknown = oauth_input(
        &app,
        fake_azure::DEFAULT_TENANT,
        "00000000-1111-2222-3333-444444444444",
        "whatever-secret-0000000000",
    );
    let (v, status) = create(&app, unknown).await;
    assert_failing(&v, &status, "OAUTH_INVALID_CLIENT");
    app.fake.add_entra_app(
        fake_azure::DEFAULT_TENANT,
        EntraApp {
            client_id: "22223333-cccc-4444-dddd-5555eeee6666".into(),
            client_secret: "expired~secret-000000".into(),
            secret_expired: true,
        },
    );
    let expired =
        oauth_input(&app, fake_azure::DEFAULT_TENANT, "22223333-cccc-4444-dddd-5555eeee6666", "expired~secret-000000");
    let (v, status) = create(&app, expired).await;
    assert_failing(&v, &status, "OAUTH_INVALID_CLIENT");
}
on_both_backends!(a_wrong_client_secret_is_reported_as_invalid_client);

async fn an_unknown_entra_tenant_is_reported(app: TestApp) {
    let input = oauth_input(
        &app,
        "99999999-8888-7777-6666-555555555555",
        fake_azure::DEFAULT_CLIENT_ID,
        fake_azure::DEFAULT_CLIENT_SECRET,
    );
    let (v, status) = create(&app, input).await;
    assert_failing(&v, &status, "OAUTH_TENANT_NOT_FOUND");
}
on_both_backends!(an_unknown_entra_tenant_is_reported);

async fn verify_false_leaves_the_integration_unverified_and_calls_nobody(app: TestApp) {
    let mut input = pat_input(&app, &app.org_url(), fake_azure::DEFAULT_PAT);
    input["verify"] = json!(false);
    let (v, status) = create(&app, input).await;
    assert!(v.is_null());
    assert_eq!(status, "UNVERIFIED");
    assert_eq!(app.fake.request_count("/_apis/"), 0);
}
on_both_backends!(verify_false_leaves_the_integration_unverified_and_calls_nobody);
