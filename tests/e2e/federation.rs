//! Federated app identities, where no secret exists: this server as the OIDC issuer Entra trusts
//! (its discovery document and keys, a signing key rotation that keeps the previous key
//! published), and AKS workload identity, whose pod token file is exchanged at Entra. Each goes
//! the whole way: create → verify → browse → install hooks → unlink.

use std::time::Duration;

use fake_azure::{APP_IDENTITY_CLIENT_ID, AccessLevel, DEFAULT_ORG, DEFAULT_TENANT, EntraApp, FakeAzure};
use serde_json::{Value, json};

use crate::support::app_identities::{self, check, create};
use crate::support::{Backend, PUBLIC_URL, TestApp, on_both_backends, queries, spawn_with};

const FEDERATED: &str = "query($id: ID!) { azureDevOpsIntegration(id: $id) { status \
    appIdentity { proof clientSecret { hint } federatedCredential { issuer subject audience } } } }";
const AUDIENCE: &str = "api://AzureADTokenExchange";

/// The federated credential an integration asks to be registered: (issuer, subject).
async fn federated_credential(app: &TestApp, id: &str) -> (String, String) {
    let read = app.gql(FEDERATED, json!({ "id": id })).await;
    let info = &read["data"]["azureDevOpsIntegration"]["appIdentity"];
    assert_eq!(info["proof"], "FEDERATED", "{read}");
    assert!(info["clientSecret"].is_null(), "there is no secret at all");
    let fc = &info["federatedCredential"];
    assert_eq!(fc["audience"], AUDIENCE);
    (fc["issuer"].as_str().expect("issuer").to_owned(), fc["subject"].as_str().expect("subject").to_owned())
}

fn id_of(created: &Value) -> String {
    created["data"]["createAzureDevOpsIntegration"]["integration"]["id"].as_str().expect("id").to_owned()
}

async fn get_json(url: &str) -> Value {
    reqwest::get(url).await.expect("get").json().await.expect("json")
}

/// The key ids this server publishes.
async fn published_kids(app: &TestApp) -> Vec<String> {
    let jwks = get_json(&format!("{}/.well-known/jwks.json", app.base)).await;
    jwks["keys"]
        .as_array()
        .map(|k| k.iter().filter_map(|k| k["kid"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// The `kid` of the last client assertion sent to Entra.
fn last_assertion_kid(app: &TestApp) -> String {
    let grant =
        app.fake.requests().into_iter().rev().find(|r| String::from_utf8_lossy(&r.body).contains("client_assertion="));
    let form: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(&grant.expect("an assertion").body).into_owned().collect();
    let header = form["client_assertion"].split('.').next().expect("header").to_owned();
    let header: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header).expect("base64url"),
    )
    .expect("json");
    header["kid"].as_str().unwrap_or_default().to_owned()
}

async fn a_federated_identity_is_vouched_for_by_this_server_as_issuer(app: TestApp) {
    app.fake.serve_issuer_behind(PUBLIC_URL, &app.base);
    app.fake.add_service_principal(DEFAULT_ORG, APP_IDENTITY_CLIENT_ID, AccessLevel::Basic);
    let created = create(&app, json!({ "clientId": APP_IDENTITY_CLIENT_ID, "federated": true }), true).await;
    let v = &created["data"]["createAzureDevOpsIntegration"]["verification"];
    assert_eq!(v["code"], "APP_IDENTITY_FEDERATION_MISMATCH", "nothing registered yet: {created}");
    let message = check(v, "APP_IDENTITY_TOKEN")["message"].as_str().unwrap_or("").to_owned();
    let id = id_of(&created);
    let (issuer, subject) = federated_credential(&app, &id).await;
    assert_eq!(issuer, PUBLIC_URL, "the issuer is this server's public URL");
    assert!(subject.starts_with("integration:"), "{subject}");
    assert!(
        message.contains(&issuer) && message.contains(&subject),
        "the mismatch names issuer and subject: {message}"
    );

    let discovery = get_json(&format!("{}/.well-known/openid-configuration", app.base)).await;
    assert_eq!(discovery["issuer"], issuer.as_str());
    assert_eq!(discovery["jwks_uri"], format!("{issuer}/.well-known/jwks.json"));
    assert_eq!(discovery["id_token_signing_alg_values_supported"], json!(["RS256"]));
    let jwks = get_json(&format!("{}/.well-known/jwks.json", app.base)).await;
    assert_eq!(jwks["keys"][0]["alg"], "RS256", "{jwks}");
    assert!(jwks["keys"][0].get("d").is_none(), "only the public part is published");

    app.fake.add_federated_credential(APP_IDENTITY_CLIENT_ID, &issuer, "integration:someone-else", AUDIENCE);
    let verify = app.gql(queries::VERIFY, json!({ "id": id })).await;
    let code = &verify["data"]["verifyAzureDevOpsIntegration"]["verification"]["code"];
    assert_eq!(code, "APP_IDENTITY_FEDERATION_MISMATCH", "another subject does not match: {verify}");

    app.fake.add_federated_credential(APP_IDENTITY_CLIENT_ID, &issuer, &subject, AUDIENCE);
    let verify = app.gql(queries::VERIFY, json!({ "id": id })).await;
    let v = &verify["data"]["verifyAzureDevOpsIntegration"];
    assert_eq!(v["verification"]["ok"], true, "registered: {verify}");
    assert_eq!(v["integration"]["status"], "HEALTHY");
    assert_eq!(last_assertion_kid(&app), published_kids(&app).await[0], "signed with the published key");
    app_identities::browses_installs_hooks_and_unlinks(&app, &id).await;
}
on_both_backends!(a_federated_identity_is_vouched_for_by_this_server_as_issuer, crate::support::public_url);

/// Creates a federated integration, registers its credential and verifies it green.
async fn registered_federated(app: &TestApp) -> String {
    let created = create(app, json!({ "clientId": APP_IDENTITY_CLIENT_ID, "federated": true }), false).await;
    let id = id_of(&created);
    let (issuer, subject) = federated_credential(app, &id).await;
    app.fake.add_federated_credential(APP_IDENTITY_CLIENT_ID, &issuer, &subject, AUDIENCE);
    let verify = app.gql(queries::VERIFY, json!({ "id": id })).await;
    assert_eq!(verify["data"]["verifyAzureDevOpsIntegration"]["verification"]["ok"], true, "{verify}");
    id
}

#[tokio::test]
async fn rotate_key_signs_with_a_new_issuer_key_and_keeps_the_previous_one_published() {
    let app = spawn_with(Backend::Sqlite, |c| {
        crate::support::public_url(c);
        c.key_reload_interval = Duration::from_millis(300);
    })
    .await
    .expect("app");
    app.fake.serve_issuer_behind(PUBLIC_URL, &app.base);
    app.fake.add_service_principal(DEFAULT_ORG, APP_IDENTITY_CLIENT_ID, AccessLevel::Basic);
    let before = registered_federated(&app).await;
    let old_kids = published_kids(&app).await;
    assert_eq!(old_kids.len(), 1, "{old_kids:?}");
    assert_eq!(last_assertion_kid(&app), old_kids[0]);

    let out = app.cli(&["rotate-key"], &[("VCSLINK_KEY_RELOAD_SECONDS", "1")]).await;
    assert!(out.status.success(), "rotate-key: {}", String::from_utf8_lossy(&out.stderr));
    let mut kids = published_kids(&app).await;
    for _ in 0..50 {
        if kids.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        kids = published_kids(&app).await;
    }
    assert_eq!(kids.len(), 2, "the running server picks up the new key: {kids:?}");
    assert_ne!(kids[0], old_kids[0], "the new key comes first");
    assert_eq!(kids[1], old_kids[0], "the previous key stays published for assertions already out");

    let after = registered_federated(&app).await;
    assert_eq!(last_assertion_kid(&app), kids[0], "new assertions are signed with the new key");
    for id in [before, after] {
        let verify = app.gql(queries::VERIFY, json!({ "id": id })).await;
        assert_eq!(verify["data"]["verifyAzureDevOpsIntegration"]["verification"]["ok"], true, "{verify}");
    }
}

/// The client id of the user-assigned identity AKS's webhook names in `AZURE_CLIENT_ID`.
const WORKLOAD_CLIENT_ID: &str = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";

fn on_aks(config: &mut vcslink_api::config::Config) {
    crate::support::public_url(config);
    config.managed_identity_endpoint = None;
    config.federated_token_file = Some(config.data_dir.join("azure-identity-token"));
    config.azure_authority_host = Some(config.entra_authority.clone());
}

async fn a_workload_identity_exchanges_the_pods_token_file(app: TestApp) {
    let token_file = app.config.federated_token_file.clone().expect("token file");
    let registration = EntraApp {
        client_id: WORKLOAD_CLIENT_ID.into(),
        client_secret: uuid::Uuid::new_v4().to_string(),
        secret_expired: false,
    };
    app.fake.add_entra_app(DEFAULT_TENANT, registration);
    app.fake.add_service_principal(DEFAULT_ORG, WORKLOAD_CLIENT_ID, AccessLevel::Basic);
    let identity = json!({ "clientId": WORKLOAD_CLIENT_ID, "managedIdentity": true });
    let created = create(&app, identity, true).await;
    let v = &created["data"]["createAzureDevOpsIntegration"]["verification"];
    assert_eq!(v["code"], "MANAGED_IDENTITY_UNAVAILABLE", "no token file projected yet: {created}");
    assert!(
        check(v, "APP_IDENTITY_TOKEN")["message"].as_str().is_some_and(|m| m.contains("AZURE_FEDERATED_TOKEN_FILE")),
        "{v}"
    );
    let id = id_of(&created);

    app.fake.project_service_account_token(&token_file, "platform", "vcslink");
    let subject = FakeAzure::service_account_subject("platform", "vcslink");
    let verify = app.gql(queries::VERIFY, json!({ "id": id })).await;
    let v = &verify["data"]["verifyAzureDevOpsIntegration"]["verification"];
    assert_eq!(v["code"], "APP_IDENTITY_FEDERATION_MISMATCH", "the app does not trust the cluster yet: {verify}");
    let message = v["message"].as_str().unwrap_or("").to_owned();
    assert!(
        message.contains(&app.fake.cluster_issuer()) && message.contains(&subject),
        "names issuer and subject: {message}"
    );

    app.fake.add_federated_credential(WORKLOAD_CLIENT_ID, &app.fake.cluster_issuer(), &subject, AUDIENCE);
    app.fake.project_service_account_token(&token_file, "platform", "vcslink");
    let verify = app.gql(queries::VERIFY, json!({ "id": id })).await;
    let v = &verify["data"]["verifyAzureDevOpsIntegration"];
    assert_eq!(v["verification"]["ok"], true, "the file is read again on the next token request: {verify}");
    let grant = app
        .fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| {
            r.path.ends_with("/oauth2/v2.0/token") && String::from_utf8_lossy(&r.body).contains(WORKLOAD_CLIENT_ID)
        })
        .expect("a token request");
    let form: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(&grant.body).into_owned().collect();
    let projected = std::fs::read_to_string(&token_file).expect("token file");
    assert_eq!(form["client_assertion"], projected.trim(), "the pod's token is the assertion, sent as it is");
    assert_eq!(form["client_assertion_type"], "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    assert!(!app.fake.requests().iter().any(|r| r.path.contains("/metadata/identity")), "IMDS is not asked on AKS");
    assert!(!crate::support::captured_logs().contains(projected.trim()), "the pod's token is never logged");
    app_identities::browses_installs_hooks_and_unlinks(&app, &id).await;
}
on_both_backends!(a_workload_identity_exchanges_the_pods_token_file, super::on_aks);
