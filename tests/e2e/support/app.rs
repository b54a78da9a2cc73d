//! [`TestApp`]: a real server on a random port over a fresh database and data dir, the fake Azure
//! DevOps beside it, and a GraphQL client that insists every error carries a code.

use std::path::PathBuf;
use std::sync::Arc;

use fake_azure::FakeAzure;
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use vcslink_api::app::App;
use vcslink_api::config::Config;

use super::backends::{Backend, fresh_postgres_database, postgres_url};
use super::capture::{assert_no_secret_leaked, log_buffer, record_response};

/// The first admin token every test server starts with.
pub const ADMIN_TOKEN: &str = "vcs_test-admin-token-0123456789abcdefghijklmnop";

/// A running server and everything a test needs to talk to it.
pub struct TestApp {
    pub base: String,
    pub fake: FakeAzure,
    pub http: reqwest::Client,
    pub config: Config,
    pub backend: Backend,
    pub data_dir: PathBuf,
    _tmp: Arc<tempfile::TempDir>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// A public URL Azure DevOps would accept as a Service Hook target (HTTPS, a public name). Tests that
/// install hooks give it to the server; deliveries then reach the loopback listener through
/// [`TestApp::local`], as through a TLS-terminating proxy.
pub const PUBLIC_URL: &str = "https://vcslink.example.net";

/// Sets [`PUBLIC_URL`] as the server's public URL.
pub fn public_url(config: &mut Config) {
    config.public_url = Some(url::Url::parse(PUBLIC_URL).expect("public url"));
}

pub async fn spawn_app() -> TestApp {
    spawn(Backend::Sqlite).await.expect("sqlite is always available")
}

/// Starts a server on `backend`; `None` when that backend is skipped here.
pub async fn spawn(backend: Backend) -> Option<TestApp> {
    spawn_with(backend, |_| {}).await
}

pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
    log_buffer();
    let tmp = Arc::new(tempfile::tempdir().expect("temp dir"));
    let fake = FakeAzure::start().await;
    let mut config = Config::with_data_dir(tmp.path().join("data"));
    if backend == Backend::Postgres {
        config.database_url = fresh_postgres_database(&postgres_url()?).await;
    }
    config.listen = "127.0.0.1:0".parse().expect("addr");
    config.bootstrap_token = Some(SecretString::from(ADMIN_TOKEN.to_owned()));
    config.allow_private_upstreams = true;
    config.entra_authority = url::Url::parse(&fake.entra_authority()).expect("fake authority");
    config.profile_url = url::Url::parse(&fake.profile_url()).expect("fake profile");
    config.vssps_url = url::Url::parse(&fake.base_url()).expect("fake vssps");
    config.managed_identity_endpoint = Some(url::Url::parse(&fake.managed_identity_endpoint()).expect("fake imds"));
    config.upstream_timeout = std::time::Duration::from_secs(3);
    config.upstream_connect_timeout = std::time::Duration::from_secs(2);
    tweak(&mut config);
    let data_dir = config.data_dir.clone();
    let mut app = TestApp {
        base: String::new(),
        fake,
        http: reqwest::Client::new(),
        config,
        backend,
        data_dir,
        _tmp: tmp,
        stop: None,
        task: None,
    };
    app.start().await;
    Some(app)
}

impl TestApp {
    async fn start(&mut self) {
        let app = App::build(self.config.clone()).await.expect("server builds");
        self.base = format!("http://127.0.0.1:{}", app.port());
        let (tx, rx) = oneshot::channel();
        self.stop = Some(tx);
        self.task = Some(tokio::spawn(async move {
            app.run_until(async {
                let _ = rx.await;
            })
            .await
            .expect("server runs");
        }));
    }

    /// Stops the server (draining requests) and starts a new one on the same database and data dir.
    pub async fn restart(&mut self) {
        self.stop_server().await;
        self.start().await;
    }

    pub async fn stop_server(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// `url` on the server's public address, rewritten to the loopback listener it fronts.
    pub fn local(&self, url: &str) -> String {
        match &self.config.public_url {
            Some(public) => url.replacen(public.as_str().trim_end_matches('/'), &self.base, 1),
            None => url.to_owned(),
        }
    }

    pub fn org_url(&self) -> String {
        self.fake.org_url(fake_azure::DEFAULT_ORG)
    }

    /// Runs a GraphQL operation as `token`; every error must carry `extensions.code`.
    pub async fn gql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut req =
            self.http.post(format!("{}/graphql", self.base)).json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("request");
        assert_eq!(resp.status(), 200, "GraphQL answers 200");
        let body: Value = resp.json().await.expect("JSON body");
        record_response(&body);
        if let Some(errors) = body.get("errors").and_then(Value::as_array) {
            for e in errors {
                assert!(e.pointer("/extensions/code").and_then(Value::as_str).is_some(), "error without a code: {e}");
            }
        }
        body
    }

    /// Runs a GraphQL operation as the first admin.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.gql_as(Some(ADMIN_TOKEN), query, variables).await
    }

    /// Creates an API token through GraphQL; returns its value.
    pub async fn token(&self, user: &str, role: &str) -> String {
        let body = self
            .gql(
                "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
                json!({ "i": { "user": user, "role": role } }),
            )
            .await;
        body.pointer("/data/createApiToken/token").and_then(Value::as_str).expect("token").to_owned()
    }

    /// Runs the `vcslink` binary against this server's database and data dir, with extra env vars.
    pub async fn cli(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_vcslink"))
            .args(args)
            .env("VCSLINK_DATABASE_URL", &self.config.database_url)
            .env("VCSLINK_DATA_DIR", &self.data_dir)
            .env("VCSLINK_LOG", "warn")
            .envs(env.iter().copied())
            .output()
            .await
            .expect("run vcslink")
    }

    /// Starts the real binary as a second server process on this database and data dir, waits until
    /// it is ready, and returns it with its base URL (killed when dropped).
    pub async fn spawn_process(&self, env: &[(&str, &str)]) -> (tokio::process::Child, String) {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_vcslink"))
            .arg("serve")
            .env("VCSLINK_DATABASE_URL", &self.config.database_url)
            .env("VCSLINK_DATA_DIR", &self.data_dir)
            .env("VCSLINK_LISTEN", format!("127.0.0.1:{port}"))
            .env("VCSLINK_LOG", "warn")
            .envs(env.iter().copied())
            .kill_on_drop(true)
            .spawn()
            .expect("start vcslink");
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..200 {
            if self.http.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        (child, base)
    }

    /// The SQLite database file and its WAL, concatenated (empty on PostgreSQL).
    pub fn database_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for name in ["vcslink.db", "vcslink.db-wal"] {
            if let Ok(b) = std::fs::read(self.data_dir.join(name)) {
                out.extend(b);
            }
        }
        out
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if !std::thread::panicking() {
            assert_no_secret_leaked(&self.database_bytes());
        }
    }
}

/// The error code of the first error, if any.
pub fn error_code(body: &Value) -> Option<&str> {
    body.pointer("/errors/0/extensions/code").and_then(Value::as_str)
}
