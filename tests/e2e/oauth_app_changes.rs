//! What changing an integration's credentials invalidates: a replaced OAuth app expires the users'
//! grants (a new token endpoint must never receive their refresh tokens), its endpoints must be on
//! the Entra authority, and a webhook password changed by update keeps the previous one accepted.

use fake_azure::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT};
use serde_json::json;

use crate::support::authorizations::{connect, viewer_auth};
use crate::support::integrations::{oauth_integration, webhook_integration};
use crate::support::webhooks::deliver;
use crate::support::{ADMIN_TOKEN, TestApp, error_code, on_both_backends};

const UPDATE: &str = "mutation($i: UpdateAzureDevOpsIntegrationInput!) { updateAzureDevOpsIntegration(input: $i) { \
    integration { id } updatedServiceHooks expiredUserAuthorizations warnings } }";

on_both_backends!(a_replaced_oauth_app_expires_the_grants_made_under_it);
async fn a_replaced_oauth_app_expires_the_grants_made_under_it(app: TestApp) {
    let id = oauth_integration(&app, "oauth-change", true).await;
    connect(&app, ADMIN_TOKEN, &id).await;
    assert_eq!(viewer_auth(&app, ADMIN_TOKEN, &id).await["status"], "ACTIVE");

    // A new client secret alone is the same app: the grant stays.
    let same =
        json!({ "tenantId": DEFAULT_TENANT, "clientId": DEFAULT_CLIENT_ID, "clientSecret": DEFAULT_CLIENT_SECRET });
    let body = app.gql(UPDATE, json!({ "i": { "id": id, "oauthApp": same, "verify": false } })).await;
    assert_eq!(body["data"]["updateAzureDevOpsIntegration"]["expiredUserAuthorizations"], 0, "{body}");
    assert_eq!(viewer_auth(&app, ADMIN_TOKEN, &id).await["status"], "ACTIVE");

    let other = json!({ "tenantId": DEFAULT_TENANT, "clientId": "11111111-2222-3333-4444-555555555555",
        "clientSecret": DEFAULT_CLIENT_SECRET });
    let body = app.gql(UPDATE, json!({ "i": { "id": id, "oauthApp": other, "verify": false } })).await;
    assert_eq!(body["data"]["updateAzureDevOpsIntegration"]["expiredUserAuthorizations"], 1, "{body}");
    assert_eq!(viewer_auth(&app, ADMIN_TOKEN, &id).await["status"], "EXPIRED");
}

on_both_backends!(oauth_endpoints_off_the_entra_authority_are_refused_on_create_and_update);
async fn oauth_endpoints_off_the_entra_authority_are_refused_on_create_and_update(app: TestApp) {
    let id = oauth_integration(&app, "oauth-hosts", true).await;
    let elsewhere = json!({ "tenantId": DEFAULT_TENANT, "clientId": DEFAULT_CLIENT_ID,
        "clientSecret": DEFAULT_CLIENT_SECRET, "tokenUrl": "https://tokens.example.net/oauth2/v2.0/token" });
    let body = app.gql(UPDATE, json!({ "i": { "id": id, "oauthApp": elsewhere, "verify": false } })).await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "oauthApp.tokenUrl", "{body}");
    assert!(
        body["errors"][0]["extensions"]["hint"]
            .as_str()
            .unwrap_or_default()
            .contains("VCSLINK_ALLOW_CUSTOM_OAUTH_HOSTS")
    );
}

on_both_backends!(a_webhook_password_set_by_update_keeps_the_previous_one_for_the_grace_window);
async fn a_webhook_password_set_by_update_keeps_the_previous_one_for_the_grace_window(app: TestApp) {
    let (id, endpoint, old) = webhook_integration(&app).await;
    let new = "a-brand-new-webhook-password-0001";
    let body = app.gql(UPDATE, json!({ "i": { "id": id, "webhookPassword": new, "verify": false } })).await;
    let payload = &body["data"]["updateAzureDevOpsIntegration"];
    assert_eq!(payload["updatedServiceHooks"], 0, "{body}");
    assert_eq!(payload["warnings"], json!([]), "{body}");
    let push = |n: u32| {
        serde_json::to_vec(&json!({ "id": format!("grace-{n}"), "eventType": "git.push", "resource": {} })).unwrap()
    };
    assert_eq!(deliver(&app, &endpoint, Some(new), push(1)).await.status(), 200);
    assert_eq!(deliver(&app, &endpoint, Some(&old), push(2)).await.status(), 200, "the previous password is in grace");
}
