//! The real server, started in this process on loopback, on the database a config names.

use std::time::{Duration, Instant};

use fake_azure::FakeAzure;
use sea_orm::DatabaseConnection;
use secrecy::SecretString;
use vcslink_api::app::App;
use vcslink_api::config::Config;

pub const ADMIN: &str = "vcs_bench-admin-token-0123456789abcdefghijklmnop";

pub struct Server {
    pub gql: String,
    pub db: DatabaseConnection,
    stop: tokio::sync::oneshot::Sender<()>,
    serving: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Shuts the server down (in-flight requests drained) and closes its pool.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.serving.await;
        self.db.close().await.ok();
    }
}

/// A config for a server in `data_dir` against `fake`, limits off (the bench measures, it does not abuse).
pub fn config(data_dir: std::path::PathBuf, fake: &FakeAzure) -> Config {
    let mut config = Config::with_data_dir(data_dir);
    config.listen = "127.0.0.1:0".parse().expect("addr");
    config.bootstrap_token = Some(SecretString::from(ADMIN.to_owned()));
    config.allow_private_upstreams = true;
    config.entra_authority = url::Url::parse(&fake.entra_authority()).expect("url");
    config.profile_url = url::Url::parse(&fake.profile_url()).expect("url");
    config.token_rate_limit = 0;
    config.webhook_rate_limit = 0;
    config.upstream_cache_ttl = Duration::from_secs(600);
    config
}

/// Builds and serves `config`; returns once `/readyz` answers, with the milliseconds that took.
pub async fn start(config: Config, client: &reqwest::Client) -> (Server, f64) {
    let started = Instant::now();
    let app = App::build(config).await.expect("server builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.db().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    while !client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let ready_ms = started.elapsed().as_secs_f64() * 1000.0;
    (Server { gql: format!("{base}/graphql"), db, stop, serving }, ready_ms)
}
