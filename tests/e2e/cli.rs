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

/// With JSON logs stdout is a log pipeline: the first token goes to its file only (a symlink
/// planted at that path is replaced, not followed) and the data directory is 0700.
#[tokio::test]
async fn with_json_logs_the_first_token_stays_out_of_stdout_and_the_data_dir_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("data dir");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::write(&elsewhere, "untouched").expect("elsewhere");
    std::os::unix::fs::symlink(&elsewhere, data.join("admin-token")).expect("symlink");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_vcslink"))
        .arg("serve")
        .env("VCSLINK_DATA_DIR", &data)
        .env_remove("VCSLINK_DATABASE_URL")
        .env_remove("VCSLINK_BOOTSTRAP_TOKEN")
        .env_remove("VCSLINK_MASTER_KEY")
        .env("VCSLINK_LISTEN", format!("127.0.0.1:{port}"))
        .env("VCSLINK_LOG", "info")
        .env("VCSLINK_LOG_FORMAT", "json")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start vcslink");
    let http = reqwest::Client::new();
    let ready = format!("http://127.0.0.1:{port}/readyz");
    for _ in 0..200 {
        if http.get(&ready).send().await.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    child.start_kill().expect("kill");
    let out = child.wait_with_output().await.expect("output");
    let token_file = data.join("admin-token");
    assert!(!std::fs::symlink_metadata(&token_file).expect("token file").file_type().is_symlink());
    let token = std::fs::read_to_string(&token_file).expect("token").trim().to_owned();
    assert!(token.starts_with("vcs_"), "{token}");
    assert_eq!(std::fs::read_to_string(&elsewhere).expect("elsewhere"), "untouched");
    let logs = [out.stdout, out.stderr].concat();
    let logs = String::from_utf8_lossy(&logs);
    assert!(logs.contains("the first admin token is in the token file"), "{logs}");
    assert!(!logs.contains(&token), "the token reached the log pipeline: {logs}");
    assert_eq!(std::fs::metadata(&data).expect("data").permissions().mode() & 0o777, 0o700);
    assert_eq!(std::fs::metadata(&token_file).expect("meta").permissions().mode() & 0o777, 0o600);
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

#[tokio::test]
async fn healthcheck_exits_0_against_a_running_server_and_1_when_nothing_answers() {
    let app = spawn_app().await;
    let listen = app.base.trim_start_matches("http://").to_owned();
    let up = app.cli(&["healthcheck"], &[("VCSLINK_LISTEN", &listen)]).await;
    assert!(up.status.success(), "{}", String::from_utf8_lossy(&up.stderr));
    let port = listen.rsplit(':').next().expect("port");
    let wildcard = app.cli(&["healthcheck"], &[("VCSLINK_LISTEN", &format!("0.0.0.0:{port}"))]).await;
    assert!(wildcard.status.success(), "a wildcard bind is checked on loopback");
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr");
    let down = app.cli(&["healthcheck"], &[("VCSLINK_LISTEN", &free.to_string())]).await;
    assert_eq!(down.status.code(), Some(1), "nothing listens there");
}

#[tokio::test]
async fn print_schema_check_without_output_compares_against_schema_graphql() {
    let dir = tempfile::tempdir().expect("tmp");
    let run = |dir: std::path::PathBuf| async move {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_vcslink"))
            .args(["print-schema", "--check"])
            .current_dir(dir)
            .env("VCSLINK_LOG", "warn")
            .output()
            .await
            .expect("run")
    };
    let missing = run(dir.path().to_path_buf()).await;
    assert!(!missing.status.success(), "no schema.graphql here: nothing to compare is a failure");
    std::fs::write(dir.path().join("schema.graphql"), "type Query { stale: Int }\n").expect("write");
    let stale = run(dir.path().to_path_buf()).await;
    assert!(!stale.status.success());
    assert!(String::from_utf8_lossy(&stale.stderr).contains("schema.graphql is stale"));
    std::fs::write(dir.path().join("schema.graphql"), vcslink_api::graphql::sdl()).expect("write");
    let fresh = run(dir.path().to_path_buf()).await;
    assert!(fresh.status.success(), "{}", String::from_utf8_lossy(&fresh.stderr));
}

#[tokio::test]
async fn check_config_and_serve_refuse_a_malformed_master_key_and_an_unknown_database_scheme() {
    let dir = tempfile::tempdir().expect("tmp");
    let run = |verb: &'static str, db: String| {
        let data = dir.path().join("data");
        async move {
            tokio::process::Command::new(env!("CARGO_BIN_EXE_vcslink"))
                .arg(verb)
                .env("VCSLINK_DATA_DIR", &data)
                .env("VCSLINK_DATABASE_URL", db)
                .env("VCSLINK_MASTER_KEY", "dG9vIHNob3J0")
                .env("VCSLINK_PUBLIC_URL", "https://vcslink.example.com/?from=docs")
                .env("VCSLINK_LISTEN", "127.0.0.1:0")
                .env("VCSLINK_LOG", "warn")
                .output()
                .await
                .expect("run")
        }
    };
    let checked = run("check-config", "mysql://db/vcslink".into()).await;
    assert!(!checked.status.success());
    let stderr = String::from_utf8_lossy(&checked.stderr);
    for var in ["VCSLINK_MASTER_KEY", "VCSLINK_DATABASE_URL", "VCSLINK_PUBLIC_URL"] {
        assert!(stderr.contains(var), "{var} is named: {stderr}");
    }
    let db = format!("sqlite://{}?mode=rwc", dir.path().join("data/vcslink.db").display());
    let served = run("serve", db).await;
    assert!(!served.status.success());
    assert!(String::from_utf8_lossy(&served.stderr).contains("VCSLINK_MASTER_KEY"));
    assert!(!dir.path().join("data/vcslink.db").exists(), "refused before any migration ran");
}

#[tokio::test]
async fn a_public_url_nobody_can_reach_is_warned_about_at_start() {
    let _app = crate::support::spawn_with(crate::support::Backend::Sqlite, |c| {
        c.public_url = Some(url::Url::parse("http://0.0.0.0:18089").expect("url"));
    })
    .await
    .expect("sqlite");
    let logs = crate::support::captured_logs();
    assert!(
        logs.lines().any(|l| l.contains("WARN") && l.contains("http://0.0.0.0:18089/ is an unspecified address")),
        "no start-up warning: {logs}"
    );
}

#[tokio::test]
async fn the_root_redirects_to_graphiql() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let root = client.get(format!("{}/", app.base)).send().await.expect("root");
    assert!(root.status().is_redirection(), "{}", root.status());
    assert_eq!(root.headers().get("location").and_then(|v| v.to_str().ok()), Some("/graphql"));
}
