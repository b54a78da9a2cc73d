//! `App::build(config)`: the one build path shared by `main` and the tests.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::auth::TokenService;
use crate::azure::{AzureClient, AzureConfig};
use crate::bootstrap;
use crate::browse::Upstream;
use crate::browse::fetch::RetryPolicy;
use crate::config::Config;
use crate::crypto::{Keyring, keyring_from_sources};
use crate::graphql::{self, handler};
use crate::state::AppState;
use crate::store;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("master key: {0}")]
    Key(#[from] crate::crypto::KeyError),
    #[error("bind {addr}: {source}")]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("upstream client: {0}")]
    Upstream(String),
    #[error("bootstrap: {0}")]
    Bootstrap(String),
    #[error("data dir {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
}

/// A built server, bound and ready to serve.
pub struct App {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

/// Opens the database (creating a SQLite data dir when needed) and runs the migrations.
pub async fn open_database(config: &Config) -> Result<DatabaseConnection, StartError> {
    if config.is_sqlite() {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|source| StartError::DataDir { path: config.data_dir.display().to_string(), source })?;
    }
    let db = store::connect(&config.database_url).await?;
    store::migrate(&db).await?;
    Ok(db)
}

/// The keyring from `VCSLINK_MASTER_KEY`(`_OLD`) or the key file (created 0600 when absent).
pub fn load_keyring(config: &Config) -> Result<Keyring, StartError> {
    use secrecy::ExposeSecret;
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|source| StartError::DataDir { path: config.data_dir.display().to_string(), source })?;
    let (keyring, _) = keyring_from_sources(
        config.master_key.as_ref().map(|k| k.expose_secret()),
        config.master_key_old.as_ref().map(|k| k.expose_secret()),
        &config.key_file(),
    )?;
    Ok(keyring)
}

impl App {
    pub async fn build(config: Config) -> Result<App, StartError> {
        crate::memory::tune_allocator();
        crate::metrics::install();
        let db = open_database(&config).await?;
        let writer_db = store::connect_writer(&config.database_url).await?;
        let keyring = Arc::new(load_keyring(&config)?);
        if config.bootstrap {
            bootstrap::first_admin(&db, &config).await.map_err(|e| StartError::Bootstrap(e.to_string()))?;
        }
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| StartError::Bind { addr: config.listen, source })?;
        let bound = listener.local_addr().map_err(|source| StartError::Bind { addr: config.listen, source })?;
        let public_url = config.public_url_for(bound).as_str().trim_end_matches('/').to_owned();
        let azure = AzureClient::new(AzureConfig {
            connect_timeout: config.upstream_connect_timeout,
            request_timeout: config.upstream_timeout,
            allow_private_upstreams: config.allow_private_upstreams,
            entra_authority: config.entra_authority.clone(),
            profile_url: config.profile_url.clone(),
            ..AzureConfig::default()
        })
        .map_err(|e| StartError::Upstream(e.to_string()))?;
        let upstream = Upstream::new(config.upstream_cache_ttl, RetryPolicy::default());
        let state = AppState {
            upstream,
            tokens: TokenService::new(db.clone(), config.token_cache_ttl),
            rate_limit: crate::auth::rate_limit::TokenRateLimit::new(config.token_rate_limit),
            webhook_rate_limit: crate::auth::rate_limit::TokenRateLimit::new(config.webhook_rate_limit),
            ingest: crate::webhooks::group_commit::IngestQueue::spawn(writer_db.unwrap_or_else(|| db.clone())),
            known_integrations: Default::default(),
            mention_names: Default::default(),
            db,
            keyring,
            azure,
            config: Arc::new(config),
            public_url: public_url.into(),
            refresh_flights: Default::default(),
        };
        let router = router(state.clone());
        Ok(App { listener, router, state })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then drains in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(addr = %self.listener.local_addr()?, public_url = %self.state.public_url, "serving");
        let (stop_worker, stopped) = tokio::sync::watch::channel(false);
        let checkpointer = crate::store::checkpoint::spawn(self.state.db.clone(), stopped.clone());
        let worker = crate::automations::dispatch::spawn(self.state.clone(), stopped);
        let served = axum::serve(self.listener, self.router).with_graceful_shutdown(shutdown).await;
        let _ = stop_worker.send(true);
        let _ = worker.await;
        if let Some(checkpointer) = checkpointer {
            let _ = checkpointer.await;
        }
        served
    }

    /// Serves until SIGTERM or Ctrl-C.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }
}

fn router(state: AppState) -> Router {
    let schema = graphql::schema(Some(state.clone()));
    let gql = Router::new()
        .route("/graphql", get(crate::http::playground::page).post(handler::graphql))
        .route("/graphql/assets/{name}", get(crate::http::playground::asset))
        .route("/graphql/ws", get(handler::subscriptions))
        .with_state((state.clone(), schema));
    let cors = crate::http::cors::layer(&state.config.cors_origins);
    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/oauth/azure-devops/callback", get(crate::user_authorizations::callback::callback))
        .route("/metrics", get(crate::metrics::render))
        .with_state(state.clone())
        .merge(gql)
        .layer(tower_http::limit::RequestBodyLimitLayer::new(crate::http::MAX_BODY))
        // Outside that limit: the webhook route streams its body and keeps an oversized one
        // QUARANTINED rather than answering 413, which would put the subscription on probation.
        .merge(
            Router::new()
                .route("/webhooks/azure-devops/{integration_id}", post(crate::webhooks::route::receive))
                .with_state(state),
        );
    if let Some(cors) = cors {
        router = router.layer(cors);
    }
    // Outermost: the id is set first, the span carries it, and the answer echoes it.
    router
        .layer(crate::http::request_id::propagate())
        .layer(crate::http::request_id::trace())
        .layer(crate::http::request_id::set())
}

async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if store::ping(&state.db).await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
