//! Secrets at rest: they survive a restart, never leak, do not open in another row, and survive rotate-key.

use fake_azure::DEFAULT_PAT;
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::json;

use crate::support::{Backend, TestApp, captured_logs, captured_responses, on_both_backends, queries, spawn_app};

const CLIENT_SECRET: &str = fake_azure::DEFAULT_CLIENT_SECRET;

async fn create_with_secrets(app: &TestApp, name: &str, password: Option<&str>) -> (String, String) {
    let body = app
        .gql(
            &queries::create(),
            json!({ "i": { "name": name, "organizationUrl": app.org_url(), "flavor": "SERVICES",
                "personalAccessToken": DEFAULT_PAT, "webhookPassword": password,
                "oauthApp": { "tenantId": fake_azure::DEFAULT_TENANT, "clientId": fake_azure::DEFAULT_CLIENT_ID, "clientSecret": CLIENT_SECRET } } }),
        )
        .await;
    let p = &body["data"]["createAzureDevOpsIntegration"];
    assert_eq!(p["integration"]["status"], "HEALTHY", "{body}");
    let pw =
        password.map(str::to_owned).or_else(|| p["webhookPassword"].as_str().map(str::to_owned)).expect("password");
    (p["integration"]["id"].as_str().expect("id").to_owned(), pw)
}

async fn secrets_still_open_after_a_restart(mut app: TestApp) {
    let (id, _) = create_with_secrets(&app, "durable", None).await;
    app.restart().await;
    let v = app.gql(queries::VERIFY, json!({ "id": id })).await;
    assert_eq!(v["data"]["verifyAzureDevOpsIntegration"]["verification"]["ok"], true, "{v}");
    let got = app.gql(&queries::get(), json!({ "id": id })).await;
    assert_eq!(
        got["data"]["azureDevOpsIntegration"]["oauthApp"]["clientSecret"]["hint"],
        &CLIENT_SECRET[CLIENT_SECRET.len() - 4..]
    );
}
on_both_backends!(secrets_still_open_after_a_restart);

#[tokio::test]
async fn no_secret_appears_in_the_database_file_responses_or_logs() {
    let app = spawn_app().await;
    let given_pw = "given-webhook-password-0123456789";
    let (_, generated_pw) = create_with_secrets(&app, "one", None).await;
    let (id, _) = create_with_secrets(&app, "two", Some(given_pw)).await;
    app.gql(queries::VERIFY, json!({ "id": id })).await;
    app.gql(&queries::get(), json!({ "id": id })).await;
    let db = app.database_bytes();
    assert!(!db.is_empty());
    let responses = captured_responses();
    let logs = captured_logs();
    for secret in [DEFAULT_PAT, CLIENT_SECRET, given_pw, generated_pw.as_str()] {
        let needle = secret.as_bytes();
        assert!(!db.windows(needle.len()).any(|w| w == needle), "secret in the database file");
        assert!(!logs.contains(secret), "secret in a log line");
    }
    // The generated password appears exactly in its one create payload, nowhere else.
    assert_eq!(responses.matches(generated_pw.as_str()).count(), 1, "generated password shown once");
    for secret in [DEFAULT_PAT, CLIENT_SECRET, given_pw] {
        assert!(!responses.contains(secret), "secret in a GraphQL response");
    }
}

#[tokio::test]
async fn a_sealed_blob_moved_to_another_row_does_not_open() {
    let app = spawn_app().await;
    let (id_a, _) = create_with_secrets(&app, "a", None).await;
    let (id_b, _) = create_with_secrets(&app, "b", None).await;
    let raw = |gid: &str| vcslink_api::domain::global_id::decode_any(gid).expect("our id").1;
    let (a, b) = (raw(&id_a), raw(&id_b));
    let db = Database::connect(&app.config.database_url).await.expect("db");
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        "UPDATE integrations SET pat_sealed = (SELECT pat_sealed FROM integrations WHERE id = ?) WHERE id = ?",
        [a.clone().into(), b.clone().into()],
    ))
    .await
    .expect("move blob");
    let keyring = vcslink_api::app::load_keyring(&app.config).expect("keyring");
    let row_b =
        vcslink_api::store::integrations::get(&db, &tenant_of(&db, &b).await, &b).await.expect("query").expect("row");
    assert!(vcslink_api::store::integrations::open_pat(&keyring, &row_b).is_err(), "moved blob must not open");
    let row_a =
        vcslink_api::store::integrations::get(&db, &tenant_of(&db, &a).await, &a).await.expect("query").expect("row");
    assert!(vcslink_api::store::integrations::open_pat(&keyring, &row_a).is_ok());
    // Through the API the broken row is an INTERNAL error with no detail, never a crash.
    let v = app.gql(queries::VERIFY, json!({ "id": id_b })).await;
    assert_eq!(crate::support::error_code(&v), Some("INTERNAL"));
}

async fn tenant_of(db: &sea_orm::DatabaseConnection, id: &str) -> String {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT tenant_id FROM integrations WHERE id = ?",
            [id.into()],
        ))
        .await
        .expect("query")
        .expect("row");
    row.try_get("", "tenant_id").expect("tenant_id")
}

#[tokio::test]
async fn rotate_key_reseals_every_secret_under_a_new_key() {
    let mut app = spawn_app().await;
    assert_eq!(app.backend, Backend::Sqlite);
    let (id, _) = create_with_secrets(&app, "rotating", None).await;
    app.stop_server().await;
    let key_file = app.data_dir.join("master.key");
    let before = std::fs::read_to_string(&key_file).expect("key file");
    let out = app.cli(&["rotate-key"], &[]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let after = std::fs::read_to_string(&key_file).expect("key file");
    assert_ne!(before, after);
    assert_eq!(key_lines(&after), 2, "the previous key stays until --finish");
    let out = app.cli(&["rotate-key", "--finish"], &[("VCSLINK_KEY_RELOAD_SECONDS", "1")]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("dropped"), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(key_lines(&std::fs::read_to_string(&key_file).expect("key file")), 1, "the old key is gone");
    app.restart().await;
    let v = app.gql(queries::VERIFY, json!({ "id": id })).await;
    assert_eq!(v["data"]["verifyAzureDevOpsIntegration"]["verification"]["ok"], true, "{v}");
}

#[tokio::test]
async fn rotate_key_with_env_keys_moves_from_the_old_key_to_the_new() {
    use base64::Engine;
    let old_key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    let new_key = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
    let old = old_key.clone();
    let mut app =
        crate::support::spawn_with(Backend::Sqlite, move |c| c.master_key = Some(old.into())).await.expect("sqlite");
    let (id, _) = create_with_secrets(&app, "env-rotating", None).await;
    app.stop_server().await;
    let out = app.cli(&["rotate-key"], &[("VCSLINK_MASTER_KEY", &new_key), ("VCSLINK_MASTER_KEY_OLD", &old_key)]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    app.config.master_key = Some(new_key.into());
    app.restart().await;
    let v = app.gql(queries::VERIFY, json!({ "id": id })).await;
    assert_eq!(v["data"]["verifyAzureDevOpsIntegration"]["verification"]["ok"], true, "{v}");
}

#[tokio::test]
async fn a_rotate_key_that_fails_midway_leaves_every_secret_readable_under_the_old_key() {
    let mut app = spawn_app().await;
    let (good, _) = create_with_secrets(&app, "survivor", None).await;
    let (broken, _) = create_with_secrets(&app, "broken", None).await;
    app.stop_server().await;
    // Corrupt one blob so that re-sealing stops midway through the rows.
    let raw = vcslink_api::domain::global_id::decode_any(&broken).expect("our id").1;
    let db = Database::connect(&app.config.database_url).await.expect("db");
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        "UPDATE integrations SET oauth_client_secret_sealed = X'0102030405' WHERE id = ?",
        [raw.into()],
    ))
    .await
    .expect("corrupt");
    let key_file = app.data_dir.join("master.key");
    let before = std::fs::read_to_string(&key_file).expect("key file");
    let out = app.cli(&["rotate-key"], &[]).await;
    assert!(!out.status.success(), "the rotation must fail");
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was changed"));
    assert_eq!(std::fs::read_to_string(&key_file).expect("key file"), before, "the old key file is back");
    app.restart().await;
    let v = app.gql(queries::VERIFY, json!({ "id": good })).await;
    assert_eq!(v["data"]["verifyAzureDevOpsIntegration"]["verification"]["ok"], true, "{v}");
}

/// How many keys a key file's text lists (comments aside).
fn key_lines(text: &str) -> usize {
    text.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).count()
}

/// A running server creating and using secrets while another process rotates the master key:
/// every secret opens before, during and after the rotation, and after a restart.
async fn rotate_key_under_load_with_a_running_server(mut app: TestApp) {
    // The server re-reads its key file often; `rotate-key --finish` waits a little longer.
    app.config.key_reload_interval = std::time::Duration::from_millis(300);
    app.config.token_rate_limit = 0;
    app.restart().await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(create_with_secrets(&app, &format!("before-{n}"), None).await.0);
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = {
        let (stop, base, org) = (stop.clone(), app.base.clone(), app.org_url());
        tokio::spawn(async move { keep_sealing_and_opening(&base, &org, &stop).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let fast = [("VCSLINK_KEY_RELOAD_SECONDS", "1")];
    let out = app.cli(&["rotate-key"], &fast).await;
    assert!(out.status.success(), "rotate-key: {}", String::from_utf8_lossy(&out.stderr));
    let out = app.cli(&["rotate-key", "--finish"], &fast).await;
    assert!(
        out.status.success(),
        "--finish: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (created, failures) = load.await.expect("load");
    assert!(failures.is_empty(), "secrets that did not open during the rotation: {failures:?}");
    assert!(created.len() >= 3, "the load kept sealing new secrets: {}", created.len());
    assert_eq!(key_lines(&std::fs::read_to_string(app.data_dir.join("master.key")).expect("key file")), 1);
    ids.extend(created);
    for id in &ids {
        let v = app.gql(queries::VERIFY, json!({ "id": id })).await;
        assert_eq!(v["data"]["verifyAzureDevOpsIntegration"]["verification"]["ok"], true, "after: {v}");
    }
    app.restart().await;
    for id in &ids {
        let v = app.gql(queries::VERIFY, json!({ "id": id })).await;
        assert_eq!(v["data"]["verifyAzureDevOpsIntegration"]["verification"]["ok"], true, "after a restart: {v}");
    }
}
on_both_backends!(rotate_key_under_load_with_a_running_server);

/// Until `stop`: creates an integration (a PAT and a webhook password sealed) and verifies it at
/// once (its PAT opened). Returns the integrations created and every failure seen.
async fn keep_sealing_and_opening(
    base: &str,
    org: &str,
    stop: &std::sync::atomic::AtomicBool,
) -> (Vec<String>, Vec<String>) {
    let http = reqwest::Client::new();
    let gql = |query: String, variables: serde_json::Value| {
        let req = http.post(format!("{base}/graphql")).bearer_auth(crate::support::ADMIN_TOKEN);
        async move {
            let resp = req.json(&json!({ "query": query, "variables": variables })).send().await;
            match resp {
                Ok(r) => r.json::<serde_json::Value>().await.unwrap_or_default(),
                Err(e) => json!({ "errors": [{ "message": e.to_string() }] }),
            }
        }
    };
    let (mut created, mut failures) = (Vec::new(), Vec::new());
    let mut n = 0;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        n += 1;
        let input = json!({ "i": { "name": format!("during-{n}"), "organizationUrl": org, "flavor": "SERVICES",
            "personalAccessToken": DEFAULT_PAT, "verify": false } });
        let body = gql(queries::create(), input).await;
        let Some(id) = body.pointer("/data/createAzureDevOpsIntegration/integration/id").and_then(|v| v.as_str())
        else {
            failures.push(format!("create: {body}"));
            continue;
        };
        let v = gql(queries::VERIFY.to_owned(), json!({ "id": id })).await;
        if v.pointer("/data/verifyAzureDevOpsIntegration/verification/ok") != Some(&json!(true)) {
            failures.push(format!("verify {id}: {v}"));
        }
        created.push(id.to_owned());
    }
    (created, failures)
}
