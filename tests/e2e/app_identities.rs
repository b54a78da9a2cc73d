//! An integration that authenticates as itself: a service principal added to the organization,
//! proving itself with a client secret, a certificate or the host's managed identity. Each is
//! created, verified step by step, browses for a member without their own authorization, installs
//! service hooks and unlinks, all with one token; each way it can fail has its code; concurrent
//! cold callers share one token request; an admin writes as it; a PAT is migrated to it.
//! Federated proofs (this server as issuer, AKS workload identity) are in `federation.rs`.

use fake_azure::{
    APP_IDENTITY_CERTIFICATE_PEM, APP_IDENTITY_CLIENT_ID, APP_IDENTITY_PRIVATE_KEY_PEM, APP_IDENTITY_SECRET,
    AccessLevel, DEFAULT_ORG, DEFAULT_TENANT, UNREGISTERED_CERTIFICATE_PEM, UNREGISTERED_PRIVATE_KEY_PEM,
};
use serde_json::{Value, json};

use crate::support::app_identities::{self, REPOS, check, create};
use crate::support::{Backend, TestApp, error_code, on_both_backends, queries, spawn_with};

/// A user-assigned managed identity's client id (any GUID: the fake derives its principal).
const MANAGED_IDENTITY_CLIENT_ID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

const APP_IDENTITY: &str = "query($id: ID!) { azureDevOpsIntegration(id: $id) { status \
    appIdentity { tenantId clientId proof clientSecret { hint setAt } certificateThumbprint certificateExpiresAt \
    authenticatedAs } } }";

fn identity(secret: &str) -> Value {
    json!({ "clientId": APP_IDENTITY_CLIENT_ID, "clientSecret": secret })
}

fn token_requests(app: &TestApp) -> usize {
    app_identities::token_requests(app, APP_IDENTITY_CLIENT_ID)
}

async fn a_client_secret_identity_verifies_browses_installs_hooks_and_unlinks(app: TestApp) {
    app.fake.add_service_principal(DEFAULT_ORG, APP_IDENTITY_CLIENT_ID, AccessLevel::Basic);
    let created = create(&app, identity(APP_IDENTITY_SECRET), true).await;
    let p = &created["data"]["createAzureDevOpsIntegration"];
    let v = &p["verification"];
    assert_eq!(v["ok"], true, "{created}");
    for name in ["APP_IDENTITY_TOKEN", "APP_IDENTITY_MEMBER", "APP_IDENTITY_ACCESS_LEVEL", "PROJECTS_VISIBLE"] {
        assert_eq!(check(v, name)["ok"], true, "{name}: {v}");
    }
    let id = p["integration"]["id"].as_str().expect("id").to_owned();
    let read = app.gql(APP_IDENTITY, json!({ "id": id })).await;
    let info = &read["data"]["azureDevOpsIntegration"];
    assert_eq!(info["status"], "HEALTHY");
    assert_eq!(info["appIdentity"]["tenantId"], DEFAULT_TENANT, "the organization's tenant, discovered: {read}");
    assert_eq!(info["appIdentity"]["clientId"], APP_IDENTITY_CLIENT_ID);
    assert_eq!(info["appIdentity"]["proof"], "CLIENT_SECRET");
    assert_eq!(info["appIdentity"]["clientSecret"]["hint"], &APP_IDENTITY_SECRET[APP_IDENTITY_SECRET.len() - 4..]);
    let connection_data = app.fake.requests().iter().filter(|r| r.path.ends_with("/_apis/connectionData")).count();
    assert_eq!(connection_data, 1, "one connectionData answers the app identity and the organization checks");
    let seen_as = info["appIdentity"]["authenticatedAs"].as_str().unwrap_or_default();
    assert!(seen_as.contains(APP_IDENTITY_CLIENT_ID), "who Azure DevOps saw: {read}");

    app_identities::browses_installs_hooks_and_unlinks(&app, &id).await;
    assert_eq!(token_requests(&app), 1, "verify, browse, install and unlink share one token");
}
on_both_backends!(a_client_secret_identity_verifies_browses_installs_hooks_and_unlinks, crate::support::public_url);

#[tokio::test]
async fn each_way_an_app_identity_fails_has_its_code() {
    let app = spawn_with(Backend::Sqlite, |_| {}).await.expect("app");
    let not_member = create(&app, identity(APP_IDENTITY_SECRET), true).await;
    let v = &not_member["data"]["createAzureDevOpsIntegration"]["verification"];
    assert_eq!(v["code"], "APP_IDENTITY_NOT_ORG_MEMBER", "{not_member}");
    let object_id = fake_azure::service_principal_id(APP_IDENTITY_CLIENT_ID);
    assert!(check(v, "APP_IDENTITY_MEMBER")["message"].as_str().unwrap_or("").contains(&object_id), "{v}");
    assert!(v["hint"].as_str().unwrap_or("").contains("serviceprincipalentitlements"), "{v}");

    let wrong = create(&app, identity("wrong~Secret.Value_0000000000000000000"), true).await;
    let v = &wrong["data"]["createAzureDevOpsIntegration"]["verification"];
    assert_eq!(v["code"], "APP_IDENTITY_INVALID_CLIENT", "{wrong}");
    assert!(check(v, "APP_IDENTITY_TOKEN")["message"].as_str().unwrap_or("").contains("AADSTS7000215"), "{v}");

    let other_tenant = "99999999-8888-4777-8666-555555555555";
    let elsewhere = fake_azure::EntraApp {
        client_id: APP_IDENTITY_CLIENT_ID.into(),
        client_secret: APP_IDENTITY_SECRET.into(),
        secret_expired: false,
    };
    app.fake.add_entra_app(other_tenant, elsewhere);
    let foreign =
        json!({ "clientId": APP_IDENTITY_CLIENT_ID, "clientSecret": APP_IDENTITY_SECRET, "tenantId": other_tenant });
    let foreign = create(&app, foreign, true).await;
    let v = &foreign["data"]["createAzureDevOpsIntegration"]["verification"];
    assert_eq!(v["code"], "TENANT_MISMATCH", "a token from another tenant: {foreign}");
    assert!(v["message"].as_str().is_some_and(|m| m.contains(other_tenant) && m.contains(DEFAULT_TENANT)), "{v}");
    assert!(v["hint"].is_string(), "{v}");

    app.fake.add_service_principal(DEFAULT_ORG, APP_IDENTITY_CLIENT_ID, AccessLevel::Stakeholder);
    let stakeholder = create(&app, identity(APP_IDENTITY_SECRET), true).await;
    let v = &stakeholder["data"]["createAzureDevOpsIntegration"]["verification"];
    assert_eq!(v["code"], "APP_IDENTITY_INSUFFICIENT_LICENSE", "{stakeholder}");

    let two =
        create(&app, json!({ "clientId": APP_IDENTITY_CLIENT_ID, "clientSecret": "x", "federated": true }), false)
            .await;
    assert_eq!(error_code(&two), Some("VALIDATION"), "{two}");
    assert_eq!(two["errors"][0]["extensions"]["field"], "appIdentity");
    let certificate = json!({ "clientId": APP_IDENTITY_CLIENT_ID,
        "certificate": { "certificatePem": "-----BEGIN CERTIFICATE-----", "privateKeyPem": "-----BEGIN PRIVATE KEY-----" } });
    let refused = create(&app, certificate, false).await;
    assert_eq!(refused["errors"][0]["extensions"]["field"], "appIdentity.certificate.certificatePem", "{refused}");
    let managed = create(&app, json!({ "clientId": MANAGED_IDENTITY_CLIENT_ID, "managedIdentity": true }), true).await;
    let v = &managed["data"]["createAzureDevOpsIntegration"]["verification"];
    assert_eq!(v["code"], "MANAGED_IDENTITY_UNAVAILABLE", "not assigned to this host: {managed}");
    assert!(v["hint"].as_str().unwrap_or("").contains("VCSLINK_MANAGED_IDENTITY_ENDPOINT"), "{v}");

    let mismatched =
        create(&app, certificate_identity(APP_IDENTITY_CERTIFICATE_PEM, UNREGISTERED_PRIVATE_KEY_PEM), false).await;
    assert_eq!(mismatched["errors"][0]["extensions"]["field"], "appIdentity.certificate.privateKeyPem", "{mismatched}");
    let unregistered =
        create(&app, certificate_identity(UNREGISTERED_CERTIFICATE_PEM, UNREGISTERED_PRIVATE_KEY_PEM), true).await;
    let v = &unregistered["data"]["createAzureDevOpsIntegration"]["verification"];
    assert_eq!(v["code"], "APP_IDENTITY_CERTIFICATE_INVALID", "{unregistered}");
    assert!(check(v, "APP_IDENTITY_TOKEN")["message"].as_str().unwrap_or("").contains("AADSTS700027"), "{v}");
}

fn certificate_identity(certificate: &str, key: &str) -> Value {
    json!({ "clientId": APP_IDENTITY_CLIENT_ID, "certificate": { "certificatePem": certificate, "privateKeyPem": key } })
}

async fn a_certificate_identity_signs_a_fresh_assertion(app: TestApp) {
    app.fake.add_service_principal(DEFAULT_ORG, APP_IDENTITY_CLIENT_ID, AccessLevel::Basic);
    let created =
        create(&app, certificate_identity(APP_IDENTITY_CERTIFICATE_PEM, APP_IDENTITY_PRIVATE_KEY_PEM), true).await;
    let p = &created["data"]["createAzureDevOpsIntegration"];
    assert_eq!(p["verification"]["ok"], true, "{created}");
    assert_eq!(check(&p["verification"], "CREDENTIAL_EXPIRY")["ok"], true, "a 100-year certificate");
    let id = p["integration"]["id"].as_str().expect("id").to_owned();
    let read = app.gql(APP_IDENTITY, json!({ "id": id })).await;
    let info = &read["data"]["azureDevOpsIntegration"]["appIdentity"];
    assert_eq!(info["proof"], "CERTIFICATE", "{read}");
    assert!(info["clientSecret"].is_null());
    let thumbprint = info["certificateThumbprint"].as_str().expect("thumbprint").to_owned();
    assert!(info["certificateExpiresAt"].as_str().is_some_and(|t| t > "2100"), "{info}");

    let grant = app
        .fake
        .requests()
        .into_iter()
        .find(|r| {
            r.path.ends_with("/oauth2/v2.0/token") && String::from_utf8_lossy(&r.body).contains(APP_IDENTITY_CLIENT_ID)
        })
        .expect("a token request");
    let form: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(&grant.body).into_owned().collect();
    assert!(!form.contains_key("client_secret"), "no secret is sent: {form:?}");
    assert_eq!(form["client_assertion_type"], "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    let assertion = &form["client_assertion"];
    let header = assertion.split('.').next().expect("header");
    let header: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, header).expect("base64url"),
    )
    .expect("json");
    assert_eq!(header["alg"], "PS256");
    assert_eq!(header["x5t#S256"], thumbprint.as_str());
    assert!(!crate::support::captured_logs().contains(assertion.as_str()), "the assertion is never logged");

    app_identities::browses_installs_hooks_and_unlinks(&app, &id).await;
    assert_eq!(token_requests(&app), 1, "one assertion, one token for the whole round trip");
}
on_both_backends!(a_certificate_identity_signs_a_fresh_assertion, crate::support::public_url);

#[tokio::test]
async fn twenty_cold_callers_cost_one_token_request() {
    let app = spawn_with(Backend::Sqlite, |_| {}).await.expect("app");
    app.fake.add_service_principal(DEFAULT_ORG, APP_IDENTITY_CLIENT_ID, AccessLevel::Basic);
    let created = create(&app, identity(APP_IDENTITY_SECRET), false).await;
    let id = created["data"]["createAzureDevOpsIntegration"]["integration"]["id"].as_str().expect("id").to_owned();
    assert_eq!(token_requests(&app), 0, "nothing asked before the first call");
    let member = app.token("mia", "MEMBER").await;
    let calls = (0..20).map(|i| {
        let (app, member, id) = (&app, &member, &id);
        async move { app.gql_as(Some(member), REPOS, json!({ "id": id, "search": format!("q{i}") })).await }
    });
    for body in futures::future::join_all(calls).await {
        assert!(body.get("errors").is_none(), "{body}");
    }
    assert_eq!(token_requests(&app), 1);
}

#[tokio::test]
async fn an_app_identity_is_replaced_and_removed_by_update() {
    let app = spawn_with(Backend::Sqlite, |_| {}).await.expect("app");
    app.fake.add_service_principal(DEFAULT_ORG, APP_IDENTITY_CLIENT_ID, AccessLevel::Basic);
    let created = create(&app, identity("wrong~Secret.Value_0000000000000000000"), true).await;
    let p = &created["data"]["createAzureDevOpsIntegration"];
    assert_eq!(p["verification"]["code"], "APP_IDENTITY_INVALID_CLIENT", "{created}");
    let id = p["integration"]["id"].as_str().expect("id").to_owned();
    assert_eq!(p["integration"]["status"], "FAILING");

    let fixed =
        app.gql(&queries::update(), json!({ "i": { "id": id, "appIdentity": identity(APP_IDENTITY_SECRET) } })).await;
    let u = &fixed["data"]["updateAzureDevOpsIntegration"];
    assert_eq!(u["verification"]["ok"], true, "the new secret is verified: {fixed}");
    assert_eq!(u["integration"]["status"], "HEALTHY");

    let alone = app.gql(&queries::update(), json!({ "i": { "id": id, "appIdentity": null } })).await;
    assert_eq!(error_code(&alone), Some("VALIDATION"), "the only credential stays: {alone}");
    let with_pat = app
        .gql(
            &queries::update(),
            json!({ "i": { "id": id, "appIdentity": null, "personalAccessToken": fake_azure::DEFAULT_PAT } }),
        )
        .await;
    assert!(with_pat.get("errors").is_none(), "{with_pat}");
    let read = app.gql(APP_IDENTITY, json!({ "id": id })).await;
    assert!(read["data"]["azureDevOpsIntegration"]["appIdentity"].is_null(), "{read}");

    let server = json!({ "name": "server-app", "organizationUrl": "https://ado.example.com/DefaultCollection",
        "flavor": "SERVER", "appIdentity": identity(APP_IDENTITY_SECRET), "verify": false });
    let refused = app.gql(&queries::create(), json!({ "i": server })).await;
    assert_eq!(error_code(&refused), Some("VALIDATION"), "{refused}");
    assert_eq!(refused["errors"][0]["extensions"]["field"], "appIdentity");
}

async fn a_managed_identity_gets_its_token_from_the_host(app: TestApp) {
    app.fake.assign_managed_identity(MANAGED_IDENTITY_CLIENT_ID);
    app.fake.add_service_principal(DEFAULT_ORG, MANAGED_IDENTITY_CLIENT_ID, AccessLevel::Basic);
    let created = create(&app, json!({ "clientId": MANAGED_IDENTITY_CLIENT_ID, "managedIdentity": true }), true).await;
    let p = &created["data"]["createAzureDevOpsIntegration"];
    assert_eq!(p["verification"]["ok"], true, "{created}");
    let id = p["integration"]["id"].as_str().expect("id").to_owned();
    let read = app.gql(APP_IDENTITY, json!({ "id": id })).await;
    let info = &read["data"]["azureDevOpsIntegration"]["appIdentity"];
    assert_eq!(info["proof"], "MANAGED_IDENTITY", "{read}");
    assert!(info["clientSecret"].is_null() && info["certificateThumbprint"].is_null());

    let asked: Vec<_> =
        app.fake.requests().into_iter().filter(|r| r.path.ends_with("/metadata/identity/oauth2/token")).collect();
    assert_eq!(asked.len(), 1, "one token from the host");
    let q: std::collections::HashMap<_, _> = asked[0].query.iter().cloned().collect();
    assert_eq!(q["resource"], fake_azure::ADO_RESOURCE_ID);
    assert_eq!(q["client_id"], MANAGED_IDENTITY_CLIENT_ID);
    assert!(asked[0].headers.iter().any(|(k, v)| k == "metadata" && v == "true"), "IMDS needs Metadata: true");
    assert_eq!(token_requests(&app), 0, "Entra's token endpoint is not asked");

    app_identities::browses_installs_hooks_and_unlinks(&app, &id).await;
    let asked = app.fake.requests().iter().filter(|r| r.path.ends_with("/metadata/identity/oauth2/token")).count();
    assert_eq!(asked, 1, "the host's token serves the whole round trip");
}
on_both_backends!(a_managed_identity_gets_its_token_from_the_host, crate::support::public_url);

const CREATE_BRANCH: &str = "mutation($i: CreateBranchInput!) { createBranch(input: $i) { branch { refName } } }";

#[tokio::test]
async fn an_admin_writes_as_the_integration_and_a_member_may_not() {
    let app = spawn_with(Backend::Sqlite, |_| {}).await.expect("app");
    app.fake.add_service_principal(DEFAULT_ORG, APP_IDENTITY_CLIENT_ID, AccessLevel::Basic);
    let created = create(&app, identity(APP_IDENTITY_SECRET), false).await;
    let id = created["data"]["createAzureDevOpsIntegration"]["integration"]["id"].as_str().expect("id").to_owned();
    let branch = |name: &str| {
        json!({ "i": { "integrationId": id, "repository": "contoso/Platform/api-gateway", "name": name,
            "from": "main", "actAs": "INTEGRATION" } })
    };
    let member = app.token("mia", "MEMBER").await;
    let refused = app.gql_as(Some(&member), CREATE_BRANCH, branch("bot/member")).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    assert!(refused["errors"][0]["extensions"]["hint"].as_str().is_some_and(|h| h.contains("actAs")), "{refused}");

    let made = app.gql(CREATE_BRANCH, branch("bot/as-integration")).await;
    assert_eq!(made["data"]["createBranch"]["branch"]["refName"], "refs/heads/bot/as-integration", "{made}");
    let refs = app.fake.requests().into_iter().rev().find(|r| r.method == "POST" && r.path.ends_with("/refs"));
    let auth = refs.and_then(|r| r.headers.into_iter().find(|(k, _)| k == "authorization").map(|(_, v)| v));
    assert!(auth.is_some_and(|a| a.starts_with("Bearer ")), "the app identity's token wrote");
    let audit = app.gql("{ auditEvents(first: 5) { edges { node { action details } } } }", json!({})).await;
    let entry = audit["data"]["auditEvents"]["edges"]
        .as_array()
        .and_then(|e| e.iter().find(|n| n["node"]["action"] == "repository.create_branch"))
        .map(|n| n["node"]["details"].clone())
        .unwrap_or_else(|| panic!("{audit}"));
    let details: Value = match &entry {
        Value::String(s) => serde_json::from_str(s).expect("json"),
        other => other.clone(),
    };
    assert_eq!(details["as"], "integration-app", "the audit says which credential acted: {details}");
}

const MIGRATE: &str = "mutation($i: MigrateIntegrationCredentialInput!) { migrateIntegrationCredential(input: $i) { \
    switched verification { ok code } integration { actingCredential } } }";
const ACTING: &str = "query($id: ID!) { azureDevOpsIntegration(id: $id) { actingCredential } }";

#[tokio::test]
async fn moving_off_the_pat_switches_only_when_the_app_identity_verifies_and_rolls_back() {
    let app = spawn_with(Backend::Sqlite, |_| {}).await.expect("app");
    let id = crate::support::integrations::pat_integration(&app, json!({})).await;
    let member = app.token("mia", "MEMBER").await;
    let added = app
        .gql(
            &queries::update(),
            json!({ "i": { "id": id, "appIdentity": identity(APP_IDENTITY_SECRET), "verify": false } }),
        )
        .await;
    assert!(added.get("errors").is_none(), "{added}");
    let acting = app.gql(ACTING, json!({ "id": id })).await;
    assert_eq!(
        acting["data"]["azureDevOpsIntegration"]["actingCredential"], "PAT",
        "an added app identity waits: {acting}"
    );
    let search = |q: &str| json!({ "id": id, "search": q });
    assert!(app.gql_as(Some(&member), REPOS, search("a")).await.get("errors").is_none());
    assert_eq!(app_identities::last_list_scheme(&app), "Basic");

    let early = app.gql(MIGRATE, json!({ "i": { "id": id, "to": "APP_IDENTITY" } })).await;
    let m = &early["data"]["migrateIntegrationCredential"];
    assert_eq!(m["switched"], false, "{early}");
    assert_eq!(m["verification"]["code"], "APP_IDENTITY_NOT_ORG_MEMBER");
    assert_eq!(m["integration"]["actingCredential"], "PAT");

    app.fake.add_service_principal(DEFAULT_ORG, APP_IDENTITY_CLIENT_ID, AccessLevel::Basic);
    let reads = (0..10).map(|i| {
        let (app, member, v) = (&app, &member, search(&format!("r{i}")));
        async move { app.gql_as(Some(member), REPOS, v).await }
    });
    let migrate = app.gql(MIGRATE, json!({ "i": { "id": id, "to": "APP_IDENTITY" } }));
    let (bodies, switched) = futures::future::join(futures::future::join_all(reads), migrate).await;
    for body in bodies {
        assert!(body.get("errors").is_none(), "no read fails during the switch: {body}");
    }
    let m = &switched["data"]["migrateIntegrationCredential"];
    assert_eq!(m["switched"], true, "{switched}");
    assert_eq!(m["integration"]["actingCredential"], "APP_IDENTITY");
    assert!(app.gql_as(Some(&member), REPOS, search("after")).await.get("errors").is_none());
    assert_eq!(app_identities::last_list_scheme(&app), "Bearer");

    let back = app.gql(MIGRATE, json!({ "i": { "id": id, "to": "PAT" } })).await;
    assert_eq!(back["data"]["migrateIntegrationCredential"]["switched"], true, "{back}");
    assert!(app.gql_as(Some(&member), REPOS, search("back")).await.get("errors").is_none());
    assert_eq!(app_identities::last_list_scheme(&app), "Basic", "rolled back to the PAT");
    let oauth = app.gql(MIGRATE, json!({ "i": { "id": id, "to": "OAUTH_APP" } })).await;
    assert_eq!(error_code(&oauth), Some("VALIDATION"), "{oauth}");
}

const HOOKS: &str = "query($id: ID!) { azureDevOpsIntegration(id: $id) { serviceHooks { \
    subscriptionId state createdBy createdWith } } }";
const MIGRATE_HOOKS: &str = "mutation($i: MigrateIntegrationCredentialInput!) { migrateIntegrationCredential(input: $i) { \
    switched movedServiceHooks serviceHooksLeft serviceHooksFailure } }";

fn hooks_of(read: &Value) -> Vec<Value> {
    read["data"]["azureDevOpsIntegration"]["serviceHooks"].as_array().cloned().unwrap_or_else(|| panic!("{read}"))
}

async fn moving_to_the_app_identity_moves_the_service_hooks_off_the_pats_owner(app: TestApp) {
    let id = crate::support::integrations::pat_integration(&app, json!({})).await;
    let install =
        "mutation($i: InstallServiceHooksInput!) { installServiceHooks(input: $i) { serviceHooks { eventType } } }";
    let installed = app
        .gql(install, json!({ "i": { "integrationId": id, "project": "Platform", "repository": "api-gateway" } }))
        .await;
    assert!(installed.get("errors").is_none(), "{installed}");
    let before = hooks_of(&app.gql(HOOKS, json!({ "id": id })).await);
    assert!(!before.is_empty());
    for hook in &before {
        assert_eq!(hook["createdWith"], "PAT", "{hook}");
        assert_eq!(hook["createdBy"], fake_azure::User::dana().unique_name, "the PAT's owner owns it: {hook}");
    }

    let update = json!({ "i": { "id": id, "appIdentity": identity(APP_IDENTITY_SECRET), "verify": false } });
    assert!(app.gql(&queries::update(), update).await.get("errors").is_none());
    app.fake.add_service_principal(DEFAULT_ORG, APP_IDENTITY_CLIENT_ID, AccessLevel::Basic);
    let migrated = app.gql(MIGRATE_HOOKS, json!({ "i": { "id": id, "to": "APP_IDENTITY" } })).await;
    let m = &migrated["data"]["migrateIntegrationCredential"];
    assert_eq!(m["switched"], true, "{migrated}");
    assert_eq!(m["movedServiceHooks"], before.len(), "{migrated}");
    assert_eq!(m["serviceHooksLeft"], 0);

    let after = hooks_of(&app.gql(HOOKS, json!({ "id": id })).await);
    assert_eq!(after.len(), before.len());
    for (old, new) in before.iter().zip(&after) {
        assert_ne!(old["subscriptionId"], new["subscriptionId"], "created again: {new}");
        assert_eq!(new["createdWith"], "APP_IDENTITY");
        assert_eq!(new["createdBy"], APP_IDENTITY_CLIENT_ID, "the service principal owns it now: {new}");
    }
    let live = app.fake.hook_subscriptions(DEFAULT_ORG);
    assert_eq!(live.len(), after.len(), "the PAT's copies are deleted, no hook delivers twice: {live:?}");

    app.fake.deactivate_user(DEFAULT_ORG, &fake_azure::User::dana().unique_name);
    let states = hooks_of(&app.gql(HOOKS, json!({ "id": id })).await);
    assert!(states.iter().all(|h| h["state"] == "ENABLED"), "the PAT's owner leaving stops nothing: {states:?}");

    let again = app.gql(MIGRATE_HOOKS, json!({ "i": { "id": id, "to": "APP_IDENTITY" } })).await;
    assert_eq!(again["data"]["migrateIntegrationCredential"]["movedServiceHooks"], 0, "idempotent: {again}");
}
on_both_backends!(moving_to_the_app_identity_moves_the_service_hooks_off_the_pats_owner, crate::support::public_url);

const HOOK_WARNINGS: &str = "query($id: ID!) { azureDevOpsIntegration(id: $id) { serviceHooks { \
    subscriptionId createdWith warnings } } }";
const REOWN: &str = "mutation($i: RepairServiceHooksInput!) { repairServiceHooks(input: $i) { repaired \
    serviceHooks { subscriptionId createdWith warnings } } }";

async fn hooks_a_person_owns_are_flagged_and_reowned_by_the_app_identity(app: TestApp) {
    let id = crate::support::integrations::pat_integration(&app, json!({})).await;
    let install =
        "mutation($i: InstallServiceHooksInput!) { installServiceHooks(input: $i) { serviceHooks { eventType } } }";
    let installed = app
        .gql(install, json!({ "i": { "integrationId": id, "project": "Platform", "repository": "api-gateway" } }))
        .await;
    assert!(installed.get("errors").is_none(), "{installed}");
    let own = hooks_of(&app.gql(HOOK_WARNINGS, json!({ "id": id })).await);
    assert!(own.iter().all(|h| h["warnings"] == json!([])), "the PAT is the integration's own credential: {own:?}");
    let early = app.gql(REOWN, json!({ "i": { "integrationId": id, "reown": true } })).await;
    assert_eq!(error_code(&early), Some("VALIDATION"), "reown needs an app identity: {early}");

    // The app identity takes over, but may not edit subscriptions yet: the PAT's hooks stay.
    let update = json!({ "i": { "id": id, "appIdentity": identity(APP_IDENTITY_SECRET), "verify": false } });
    assert!(app.gql(&queries::update(), update).await.get("errors").is_none());
    let sp = app.fake.add_service_principal(DEFAULT_ORG, APP_IDENTITY_CLIENT_ID, AccessLevel::Basic);
    let token = format!("PublisherSecurity/{}", fake_azure::PLATFORM_PROJECT_ID);
    let deny = |allow| fake_azure::Ace {
        identity: sp.clone(),
        namespace: fake_azure::SERVICE_HOOKS_NAMESPACE.into(),
        token: token.clone(),
        bits: fake_azure::HOOKS_EDIT_SUBSCRIPTIONS,
        allow,
    };
    app.fake.set_permission(DEFAULT_ORG, deny(false));
    let migrated = app.gql(MIGRATE_HOOKS, json!({ "i": { "id": id, "to": "APP_IDENTITY" } })).await;
    let m = &migrated["data"]["migrateIntegrationCredential"];
    assert_eq!(m["switched"], true, "{migrated}");
    assert!(m["serviceHooksLeft"].as_i64().is_some_and(|n| n > 0), "{migrated}");
    let flagged = hooks_of(&app.gql(HOOK_WARNINGS, json!({ "id": id })).await);
    for hook in &flagged {
        assert_eq!(hook["createdWith"], "PAT", "{hook}");
        let warning = hook["warnings"][0].as_str().unwrap_or_else(|| panic!("a person owns it: {hook}"));
        assert!(warning.contains(&fake_azure::User::dana().unique_name) && warning.contains("reown"), "{warning}");
    }

    // Once it may, a repair with reown re-creates each under the app identity.
    app.fake.set_permission(DEFAULT_ORG, deny(true));
    let body = app.gql(REOWN, json!({ "i": { "integrationId": id, "reown": true } })).await;
    assert!(body.get("errors").is_none(), "{body}");
    let r = &body["data"]["repairServiceHooks"];
    assert_eq!(r["repaired"], flagged.len(), "{body}");
    let after = hooks_of(&app.gql(HOOK_WARNINGS, json!({ "id": id })).await);
    for (old, new) in flagged.iter().zip(&after) {
        assert_ne!(old["subscriptionId"], new["subscriptionId"], "created again: {new}");
        assert_eq!(new["createdWith"], "APP_IDENTITY");
        assert_eq!(new["warnings"], json!([]), "{new}");
    }
    assert_eq!(app.fake.hook_subscriptions(DEFAULT_ORG).len(), after.len(), "no hook delivers twice");
}
on_both_backends!(hooks_a_person_owns_are_flagged_and_reowned_by_the_app_identity, crate::support::public_url);
