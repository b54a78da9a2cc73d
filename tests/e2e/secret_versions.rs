//! Secret versions, as a Terraform provider's write-only arguments use them (`_wo` with a
//! `_wo_version`): every stored secret reports `version`; a write that repeats the stored version
//! and value changes nothing, the stored version with another value is `CONFLICT` ("bump the
//! version"), and a higher version writes. PAT, OAuth client secret, app identity secret,
//! webhook password and automation secret, on both backends.

use fake_azure::{APP_IDENTITY_CLIENT_ID, APP_IDENTITY_SECRET, DEFAULT_CLIENT_SECRET, DEFAULT_PAT};
use serde_json::{Value, json};

use crate::support::integrations::oauth_integration;
use crate::support::{TestApp, error_code, on_both_backends, queries};

const SECRETS: &str = "query($id: ID!) { azureDevOpsIntegration(id: $id) { \
    personalAccessToken { hint setAt version } oauthApp { clientSecret { hint setAt version } } \
    appIdentity { clientSecret { hint setAt version } } webhook { password { hint setAt version } } } }";

const UPDATE: &str = "mutation($i: UpdateAzureDevOpsIntegrationInput!) { updateAzureDevOpsIntegration(input: $i) { \
    integration { id } } }";

const ROTATE: &str = "mutation($i: RotateWebhookPasswordInput!) { rotateWebhookPassword(input: $i) { \
    webhookPassword updatedServiceHooks } }";

/// A token of the same shape as the fake's, but another value.
fn other_pat(n: char) -> String {
    format!("{n}{}", &DEFAULT_PAT[1..])
}

async fn secrets(app: &TestApp, id: &str) -> Value {
    let body = app.gql(SECRETS, json!({ "id": id })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["azureDevOpsIntegration"].clone()
}

fn hint(body: &Value) -> &str {
    body.pointer("/errors/0/extensions/hint").and_then(Value::as_str).unwrap_or_default()
}

async fn a_pat_and_a_webhook_password_follow_their_versions(app: TestApp) {
    let password = "first-webhook-password-0001";
    let made = app
        .gql(
            &queries::create(),
            json!({ "i": { "name": "versioned", "organizationUrl": app.org_url(), "flavor": "SERVICES",
                "personalAccessToken": DEFAULT_PAT, "personalAccessTokenVersion": 3,
                "webhookPassword": password, "verify": false } }),
        )
        .await;
    let id = made["data"]["createAzureDevOpsIntegration"]["integration"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{made}"))
        .to_owned();
    let first = secrets(&app, &id).await;
    assert_eq!(first["personalAccessToken"]["version"], 3, "the version sent: {first}");
    assert_eq!(first["webhook"]["password"]["version"], 1, "none sent: the first version");
    assert_eq!(first["webhook"]["password"]["hint"], "0001");

    // The provider applies the same configuration again: nothing changes.
    let again = app
        .gql(
            UPDATE,
            json!({ "i": { "id": id, "personalAccessToken": DEFAULT_PAT,
        "personalAccessTokenVersion": 3, "verify": false } }),
        )
        .await;
    assert!(again.get("errors").is_none(), "{again}");
    assert_eq!(secrets(&app, &id).await["personalAccessToken"], first["personalAccessToken"], "setAt kept too");

    // A new token under the old version: the user forgot to bump it.
    let forgot = app
        .gql(
            UPDATE,
            json!({ "i": { "id": id, "personalAccessToken": other_pat('b'),
        "personalAccessTokenVersion": 3, "verify": false } }),
        )
        .await;
    assert_eq!(error_code(&forgot), Some("CONFLICT"), "{forgot}");
    assert!(hint(&forgot).contains("bump the version"), "{forgot}");
    let lower = app
        .gql(
            UPDATE,
            json!({ "i": { "id": id, "personalAccessToken": other_pat('b'),
        "personalAccessTokenVersion": 2, "verify": false } }),
        )
        .await;
    assert_eq!(error_code(&lower), Some("CONFLICT"), "versions only grow: {lower}");
    let zero = app
        .gql(
            UPDATE,
            json!({ "i": { "id": id, "personalAccessToken": other_pat('b'),
        "personalAccessTokenVersion": 0, "verify": false } }),
        )
        .await;
    assert_eq!(error_code(&zero), Some("VALIDATION"), "{zero}");
    assert_eq!(secrets(&app, &id).await["personalAccessToken"], first["personalAccessToken"], "nothing written");

    let bumped = app
        .gql(
            UPDATE,
            json!({ "i": { "id": id, "personalAccessToken": other_pat('b'),
        "personalAccessTokenVersion": 4, "verify": false } }),
        )
        .await;
    assert!(bumped.get("errors").is_none(), "{bumped}");
    let now = secrets(&app, &id).await;
    assert_eq!(now["personalAccessToken"]["version"], 4);
    assert_ne!(now["personalAccessToken"]["setAt"], first["personalAccessToken"]["setAt"], "a new secret, set now");
    let unversioned = app
        .gql(
            UPDATE,
            json!({ "i": { "id": id, "personalAccessToken": other_pat('c'),
        "verify": false } }),
        )
        .await;
    assert!(unversioned.get("errors").is_none(), "{unversioned}");
    assert_eq!(secrets(&app, &id).await["personalAccessToken"]["version"], 5, "no version: the next one");

    // One `secretVersion` for every secret of the input that names none of its own.
    let both = app
        .gql(
            UPDATE,
            json!({ "i": { "id": id, "personalAccessToken": other_pat('d'),
        "webhookPassword": "second-webhook-password-0002", "secretVersion": 7, "verify": false } }),
        )
        .await;
    assert!(both.get("errors").is_none(), "{both}");
    let now = secrets(&app, &id).await;
    assert_eq!(
        (&now["personalAccessToken"]["version"], &now["webhook"]["password"]["version"]),
        (&json!(7), &json!(7))
    );

    // rotateWebhookPassword repeats, conflicts, then bumps.
    let same = app
        .gql(
            ROTATE,
            json!({ "i": { "integrationId": id, "webhookPassword": "second-webhook-password-0002",
        "secretVersion": 7 } }),
        )
        .await;
    assert!(same.get("errors").is_none(), "{same}");
    assert_eq!(secrets(&app, &id).await["webhook"], now["webhook"], "the same password: no rotation");
    let generated = app.gql(ROTATE, json!({ "i": { "integrationId": id, "secretVersion": 7 } })).await;
    assert_eq!(error_code(&generated), Some("CONFLICT"), "a generated password is another value: {generated}");
    let rotated = app.gql(ROTATE, json!({ "i": { "integrationId": id, "secretVersion": 8 } })).await;
    let shown =
        rotated["data"]["rotateWebhookPassword"]["webhookPassword"].as_str().unwrap_or_else(|| panic!("{rotated}"));
    let after = secrets(&app, &id).await;
    assert_eq!(after["webhook"]["password"]["version"], 8);
    assert_eq!(after["webhook"]["password"]["hint"], &shown[shown.len() - 4..]);
    for secret in [DEFAULT_PAT, "second-webhook-password-0002", shown] {
        assert!(!after.to_string().contains(secret), "a read never carries a secret");
    }
}
on_both_backends!(a_pat_and_a_webhook_password_follow_their_versions);

async fn client_secrets_follow_their_versions(app: TestApp) {
    let id = oauth_integration(&app, "versioned-oauth", true).await;
    let oauth = |secret: &str, version: i32| {
        json!({ "tenantId": fake_azure::DEFAULT_TENANT, "clientId": fake_azure::DEFAULT_CLIENT_ID,
            "clientSecret": secret, "secretVersion": version })
    };
    let first = secrets(&app, &id).await;
    assert_eq!(first["oauthApp"]["clientSecret"]["version"], 1, "{first}");
    let same = app
        .gql(UPDATE, json!({ "i": { "id": id, "oauthApp": oauth(DEFAULT_CLIENT_SECRET, 1), "verify": false } }))
        .await;
    assert!(same.get("errors").is_none(), "{same}");
    assert_eq!(secrets(&app, &id).await["oauthApp"], first["oauthApp"], "repeated: setAt and version kept");
    let forgot = app
        .gql(UPDATE, json!({ "i": { "id": id, "oauthApp": oauth("another~Secret.Value", 1), "verify": false } }))
        .await;
    assert_eq!(error_code(&forgot), Some("CONFLICT"), "{forgot}");

    let identity = |secret: &str, version: i32| json!({ "clientId": APP_IDENTITY_CLIENT_ID, "clientSecret": secret, "secretVersion": version });
    let added = app
        .gql(UPDATE, json!({ "i": { "id": id, "appIdentity": identity(APP_IDENTITY_SECRET, 2), "verify": false } }))
        .await;
    assert!(added.get("errors").is_none(), "{added}");
    let with_identity = secrets(&app, &id).await;
    assert_eq!(with_identity["appIdentity"]["clientSecret"]["version"], 2, "{with_identity}");
    let repeated = app
        .gql(UPDATE, json!({ "i": { "id": id, "appIdentity": identity(APP_IDENTITY_SECRET, 2), "verify": false } }))
        .await;
    assert!(repeated.get("errors").is_none(), "{repeated}");
    assert_eq!(secrets(&app, &id).await["appIdentity"], with_identity["appIdentity"]);
    let forgot = app
        .gql(UPDATE, json!({ "i": { "id": id, "appIdentity": identity("other~Identity.Secret", 2), "verify": false } }))
        .await;
    assert_eq!(error_code(&forgot), Some("CONFLICT"), "{forgot}");
    let bumped = app
        .gql(UPDATE, json!({ "i": { "id": id, "appIdentity": identity("other~Identity.Secret", 3), "verify": false } }))
        .await;
    assert!(bumped.get("errors").is_none(), "{bumped}");
    assert_eq!(secrets(&app, &id).await["appIdentity"]["clientSecret"]["version"], 3);
}
on_both_backends!(client_secrets_follow_their_versions);

const AUTOMATION: &str = "query($id: ID!) { node(id: $id) { ... on Automation { secret { hint setAt version } } } }";
const UPDATE_AUTOMATION: &str =
    "mutation($i: UpdateAutomationInput!) { updateAutomation(input: $i) { automation { id } } }";

async fn automation_secret(app: &TestApp, id: &str) -> Value {
    let body = app.gql(AUTOMATION, json!({ "id": id })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["node"]["secret"].clone()
}

async fn an_automation_secret_follows_its_version(app: TestApp) {
    let integration = crate::support::integrations::pat_integration(&app, json!({})).await;
    let made = crate::support::automations::create(
        &app,
        json!({ "integrationId": integration, "name": "ci", "eventTypes": ["CODE_PUSHED"],
            "targetUrl": "https://hooks.example.net/ci", "secret": "signing-secret-0001", "secretVersion": 2 }),
    )
    .await;
    let id = made["automation"]["id"].as_str().expect("id").to_owned();
    let first = automation_secret(&app, &id).await;
    assert_eq!((&first["version"], &first["hint"]), (&json!(2), &json!("0001")), "{first}");
    let same = app
        .gql(UPDATE_AUTOMATION, json!({ "i": { "id": id, "secret": "signing-secret-0001", "secretVersion": 2 } }))
        .await;
    assert!(same.get("errors").is_none(), "{same}");
    assert_eq!(automation_secret(&app, &id).await, first, "repeated: nothing changes");
    let forgot = app
        .gql(UPDATE_AUTOMATION, json!({ "i": { "id": id, "secret": "signing-secret-0002", "secretVersion": 2 } }))
        .await;
    assert_eq!(error_code(&forgot), Some("CONFLICT"), "{forgot}");
    let bumped = app
        .gql(UPDATE_AUTOMATION, json!({ "i": { "id": id, "secret": "signing-secret-0002", "secretVersion": 3 } }))
        .await;
    assert!(bumped.get("errors").is_none(), "{bumped}");
    let now = automation_secret(&app, &id).await;
    assert_eq!((&now["version"], &now["hint"]), (&json!(3), &json!("0002")), "{now}");
    let next = app.gql(UPDATE_AUTOMATION, json!({ "i": { "id": id, "secret": "signing-secret-0003" } })).await;
    assert!(next.get("errors").is_none(), "{next}");
    assert_eq!(automation_secret(&app, &id).await["version"], 4, "no version: the next one");
}
on_both_backends!(an_automation_secret_follows_its_version);
