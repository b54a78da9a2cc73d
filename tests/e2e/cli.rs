//! The binary's verbs: token create prints the token last; migrate; health routes.

use serde_json::json;

use crate::support::spawn_app;

async fn vcslink(app: &crate::support::TestApp, args: &[&str]) -> std::process::Output {
    app.cli(args, &[]).await
}

#[tokio::test]
async fn token_create_prints_the_token_alone_on_the_last_line_and_revoke_stops_it() {
    let app = spawn_app().await;
    let out =
        vcslink(&app, &["token", "create", "--tenant", "default", "--role", "member", "--user", "bot", "--name", "b"])
            .await;
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let token = stdout.lines().last().expect("last line").to_owned();
    assert!(token.starts_with("vcs_") && !token.contains(' '));
    let body = app.gql_as(Some(&token), "{ viewer { user role tokenName } }", json!({})).await;
    assert_eq!(body["data"]["viewer"], json!({ "user": "bot", "role": "MEMBER", "tokenName": "b" }));
    let id = stdout.split_whitespace().nth(3).expect("id in the first line").to_owned();
    let out = vcslink(&app, &["token", "revoke", &id]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn migrate_is_idempotent_and_health_routes_answer() {
    let app = spawn_app().await;
    assert!(vcslink(&app, &["migrate"]).await.status.success());
    assert!(vcslink(&app, &["migrate"]).await.status.success());
    let health = app.http.get(format!("{}/healthz", app.base)).send().await.expect("healthz");
    assert_eq!(health.status(), 200);
    let ready = app.http.get(format!("{}/readyz", app.base)).send().await.expect("readyz");
    assert_eq!(ready.status(), 200);
    let playground = app.http.get(format!("{}/graphql", app.base)).send().await.expect("playground");
    assert_eq!(playground.status(), 200);
    assert!(playground.text().await.unwrap_or_default().contains("graphiql"));
}

#[tokio::test]
async fn a_first_start_creates_the_key_file_and_admin_token_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let app = crate::support::spawn_with(crate::support::Backend::Sqlite, |c| c.bootstrap_token = None)
        .await
        .expect("sqlite");
    for name in ["master.key", "admin-token"] {
        let mode = std::fs::metadata(app.data_dir.join(name)).expect(name).permissions().mode();
        assert_eq!(mode & 0o077, 0, "{name} is 0600");
    }
    let token = std::fs::read_to_string(app.data_dir.join("admin-token")).expect("token file");
    let body = app.gql_as(Some(token.trim()), "{ viewer { tenant user role } }", json!({})).await;
    assert_eq!(body["data"]["viewer"], json!({ "tenant": "default", "user": "admin", "role": "ADMIN" }));
}

#[tokio::test]
async fn check_config_reads_vcslink_toml_lets_the_environment_win_and_masks_secrets() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("vcslink.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:9999\"\ndatabase_url = \"postgres://app:hunter2@db/vcslink\"\ncors_origins = [\"https://a.example\", \"https://b.example\"]\nlog = \"debug\"\n",
    )
    .expect("write");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_vcslink"))
        .args(["--config", file.to_str().expect("path"), "check-config"])
        .env("VCSLINK_LOG", "warn")
        .env_remove("VCSLINK_DATABASE_URL")
        .env_remove("VCSLINK_LISTEN")
        .output()
        .await
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("VCSLINK_LISTEN = 127.0.0.1:9999"), "{text}");
    assert!(text.contains("VCSLINK_LOG = warn"), "the environment wins: {text}");
    assert!(text.contains("VCSLINK_CORS_ORIGINS = https://a.example,https://b.example"), "{text}");
    assert!(!text.contains("hunter2"), "secrets are masked: {text}");
    let bad = tokio::process::Command::new(env!("CARGO_BIN_EXE_vcslink"))
        .args(["--config", dir.path().join("missing.toml").to_str().expect("path"), "check-config"])
        .output()
        .await
        .expect("run");
    assert!(!bad.status.success(), "an explicit --config must exist");
    let version =
        tokio::process::Command::new(env!("CARGO_BIN_EXE_vcslink")).arg("--version").output().await.expect("run");
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("vcslink "));
}
