//! `App::build(config)`: the one build path shared by `main` and the tests.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::auth::rate_limit::TokenRateLimit;
use crate::auth::{TokenService, Tokens};
use crate::automations::{Automations, handle::AutomationsConfig};
use crate::azure::workload_identity::WorkloadIdentity;
use crate::azure::{AzureClient, AzureConfig};
use crate::bootstrap;
use crate::browse::fetch::RetryPolicy;
use crate::browse::{Browse, Upstream};
use crate::capabilities::Capabilities;
use crate::config::Config;
use crate::crypto::{KeyFile, KeySource, Keyring, keyring_from_sources};
use crate::graphql::{self, handler};
use crate::integrations::{Integrations, handle::IntegrationsConfig};
use crate::service_hooks::ServiceHooks;
use crate::store;
use crate::user_authorizations::{Accounts, handle::AccountsConfig};
use crate::webhooks::group_commit::IngestQueue;
use crate::webhooks::known_integrations::KnownIntegrations;
use crate::webhooks::{Inbox, handle::InboxConfig};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("configuration: {0}")]
    Config(String),
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
    caps: Capabilities,
    public_url: String,
    /// How often service hooks still holding an old webhook password are retried.
    hook_retry_every: std::time::Duration,
    /// The keyring every capability seals with, and how often it re-reads the key file.
    keyring: Arc<Keyring>,
    key_reload_every: std::time::Duration,
    /// How often tokens revoked elsewhere are dropped from the verified-token cache.
    revocation_check_every: std::time::Duration,
    /// Days deliveries are kept (0: forever), and how often the purge runs.
    delivery_retention: (u32, std::time::Duration),
}

/// Opens the database (creating a SQLite data dir when needed) and runs the migrations.
pub async fn open_database(config: &Config) -> Result<DatabaseConnection, StartError> {
    if config.is_sqlite() {
        crate::private_files::ensure_private_dir(&config.data_dir)
            .map_err(|source| StartError::DataDir { path: config.data_dir.display().to_string(), source })?;
    }
    let db = store::connect(&config.database_url).await?;
    store::migrate(&db).await?;
    Ok(db)
}

/// The keyring from `VCSLINK_MASTER_KEY`(`_OLD`) or the key file (created 0600 when absent).
pub fn load_keyring(config: &Config) -> Result<Keyring, StartError> {
    use secrecy::ExposeSecret;
    crate::private_files::ensure_private_dir(&config.data_dir)
        .map_err(|source| StartError::DataDir { path: config.data_dir.display().to_string(), source })?;
    let (keyring, source) = keyring_from_sources(
        config.master_key.as_ref().map(|k| k.expose_secret()),
        config.master_key_old.as_ref().map(|k| k.expose_secret()),
        &config.key_file(),
    )?;
    Ok(match source {
        KeySource::File { .. } => keyring.reloading_from(KeyFile::new(config.key_file())),
        KeySource::Env => keyring,
    })
}

impl App {
    /// Checks the configuration (before any migration runs), opens the database, binds the listener.
    pub async fn build(config: Config) -> Result<App, StartError> {
        crate::config::validate::check(&config).map_err(StartError::Config)?;
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
        let public = config.public_url_for(bound);
        if let Some(warning) = crate::config::public_url::warning(&public, bound, config.public_url.is_some()) {
            tracing::warn!("{warning}");
        }
        let public_url = public.as_str().trim_end_matches('/').to_owned();
        let azure = AzureClient::new(AzureConfig {
            connect_timeout: config.upstream_connect_timeout,
            request_timeout: config.upstream_timeout,
            allow_private_upstreams: config.allow_private_upstreams,
            entra_authority: config.entra_authority.clone(),
            profile_url: config.profile_url.clone(),
            managed_identity: crate::azure::managed_identity::Endpoint::resolve(
                config.managed_identity_endpoint.as_ref(),
                config
                    .federated_token_file
                    .clone()
                    .map(|file| WorkloadIdentity::new(file, config.azure_authority_host.clone()))
                    .as_ref(),
            ),
            oidc_issuer: public_url.clone(),
            ..AzureConfig::default()
        })
        .map_err(|e| StartError::Upstream(e.to_string()))?;
        let caps = capabilities(&config, db, writer_db, keyring.clone(), azure, Arc::from(public_url.as_str()));
        let router = router(caps.clone(), &config.cors_origins, config.metrics_token.clone());
        Ok(App {
            listener,
            router,
            caps,
            public_url,
            hook_retry_every: config.service_hook_retry_interval,
            keyring,
            key_reload_every: config.key_reload_interval,
            revocation_check_every: config.token_revocation_check,
            delivery_retention: (config.delivery_retention_days, config.delivery_purge_interval),
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// The database the server uses (tests and the benchmark read and seed it directly).
    pub fn db(&self) -> &DatabaseConnection {
        &self.caps.db
    }

    /// Serves until `shutdown` resolves, then drains in-flight requests.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(addr = %self.listener.local_addr()?, public_url = %self.public_url, "serving");
        tracing::info!("GraphiQL at {}/graphql", self.public_url);
        let (stop_worker, stopped) = tokio::sync::watch::channel(false);
        let checkpointer = crate::store::checkpoint::spawn(self.caps.db.clone(), stopped.clone());
        let worker = crate::automations::dispatch::spawn(self.caps.automations.clone(), stopped.clone());
        let janitor = crate::user_authorizations::janitor::spawn(self.caps.accounts.clone(), stopped.clone());
        let key_reload = crate::crypto::reload::spawn(self.keyring.clone(), self.key_reload_every, stopped.clone());
        let (retention_days, purge_every) = self.delivery_retention;
        let retention =
            crate::webhooks::retention::spawn(self.caps.db.clone(), retention_days, purge_every, stopped.clone());
        let revocations = crate::auth::revocation_sweep::spawn(
            self.caps.tokens.service.clone(),
            self.revocation_check_every,
            stopped.clone(),
        );
        let hook_retry =
            crate::service_hooks::password::spawn(self.caps.service_hooks.clone(), self.hook_retry_every, stopped);
        // The peer address reaches handlers that ask for it (the webhook edge's throttle).
        let router = self.router.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let served = axum::serve(self.listener, router).with_graceful_shutdown(shutdown).await;
        let _ = stop_worker.send(true);
        let _ = worker.await;
        let _ = hook_retry.await;
        let _ = janitor.await;
        let _ = key_reload.await;
        let _ = revocations.await;
        if let Some(checkpointer) = checkpointer {
            let _ = checkpointer.await;
        }
        if let Some(retention) = retention {
            let _ = retention.await;
        }
        served
    }

    /// Serves until SIGTERM or Ctrl-C.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }
}

/// Builds every capability's handle; the only place that sees the configuration whole.
fn capabilities(
    config: &Config,
    db: DatabaseConnection,
    writer_db: Option<DatabaseConnection>,
    keyring: Arc<Keyring>,
    azure: AzureClient,
    public_url: Arc<str>,
) -> Capabilities {
    let sizing = crate::browse::Sizing {
        cache_ttl: config.upstream_cache_ttl,
        cache_bytes: config.upstream_cache_bytes,
        concurrency: config.upstream_concurrency,
    };
    let upstream = Upstream::new(sizing, RetryPolicy::default());
    let issuer = crate::oidc::routes::Issuer { keyring: keyring.clone(), public_url: public_url.clone() };
    let known_integrations = KnownIntegrations::default();
    let accounts = Accounts {
        db: db.clone(),
        keyring: keyring.clone(),
        azure: azure.clone(),
        public_url: public_url.clone(),
        refresh_flights: Default::default(),
        config: Arc::new(AccountsConfig {
            oauth_state_ttl: config.oauth_state_ttl,
            oauth_refresh_margin: config.oauth_refresh_margin,
            oauth_return_origins: config.oauth_return_origins.clone(),
        }),
    };
    let browse = Browse {
        db: db.clone(),
        keyring: keyring.clone(),
        azure: azure.clone(),
        upstream: upstream.clone(),
        accounts: accounts.clone(),
    };
    let service_hooks = ServiceHooks {
        db: db.clone(),
        keyring: keyring.clone(),
        azure: azure.clone(),
        upstream: upstream.clone(),
        public_url,
        allow_private_upstreams: config.allow_private_upstreams,
    };
    let integrations = Integrations {
        db: db.clone(),
        keyring: keyring.clone(),
        azure: azure.clone(),
        known_integrations: known_integrations.clone(),
        service_hooks: service_hooks.clone(),
        reveal_limit: Default::default(),
        config: Arc::new(IntegrationsConfig {
            allow_private_upstreams: config.allow_private_upstreams,
            allow_custom_oauth_hosts: config.allow_custom_oauth_hosts,
            webhook_password_grace: config.webhook_password_grace,
            entra_authority: config.entra_authority.clone(),
        }),
    };
    let inbox = Inbox {
        db: db.clone(),
        keyring: keyring.clone(),
        azure,
        ingest: IngestQueue::spawn(writer_db.unwrap_or_else(|| db.clone())),
        known_integrations: known_integrations.clone(),
        mention_names: Default::default(),
        edge: crate::webhooks::edge::Edge::new(
            config.webhook_rate_limit,
            config.webhook_auth_failure_limit,
            config.trusted_proxies.clone(),
        ),
        upstream,
        config: Arc::new(InboxConfig {
            webhook_max_body_bytes: config.webhook_max_body_bytes,
            vssps_url: config.vssps_url.clone(),
        }),
    };
    let automations = Automations {
        db: db.clone(),
        keyring,
        known_integrations,
        config: Arc::new(AutomationsConfig {
            allow_private_upstreams: config.allow_private_upstreams,
            automation_max_attempts: config.automation_max_attempts,
            automation_retry_base: config.automation_retry_base,
            outbox_poll_interval: config.outbox_poll_interval,
        }),
    };
    let tokens = Tokens {
        service: TokenService::new(db.clone(), config.token_cache_ttl),
        rate_limit: TokenRateLimit::new(config.token_rate_limit),
    };
    Capabilities {
        db,
        tokens,
        accounts,
        browse,
        service_hooks,
        integrations,
        inbox,
        automations,
        issuer,
        introspection: config.introspection,
        upstream_call_budget: config.upstream_call_budget,
    }
}

fn router(caps: Capabilities, cors_origins: &[String], metrics_token: Option<secrecy::SecretString>) -> Router {
    let metrics_token = std::sync::Arc::new(metrics_token);
    let schema = graphql::schema(Some(caps.clone()));
    let gql = Router::new()
        // No body limit layer: the POST handler reads at most MAX_BODY and answers a GraphQL error.
        .route("/graphql", get(handler::page_or_refusal).post(handler::graphql))
        .route("/graphql/assets/{name}", get(crate::http::playground::asset))
        .route("/graphql/ws", get(graphql::websocket::subscriptions))
        .with_state((caps.clone(), schema));
    let cors = crate::http::cors::layer(cors_origins);
    let mut router = Router::new()
        .route("/", get(|| async { axum::response::Redirect::temporary("/graphql") }))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/oauth/azure-devops/callback", get(crate::user_authorizations::callback::callback))
        .route(
            "/metrics",
            get(move |headers: axum::http::HeaderMap| async move {
                crate::metrics::render(metrics_token.as_ref().as_ref(), &headers).await
            }),
        )
        .route("/.well-known/openid-configuration", get(crate::oidc::routes::discovery))
        .route("/.well-known/jwks.json", get(crate::oidc::routes::jwks))
        .with_state(caps.clone())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(crate::http::MAX_BODY))
        .merge(gql)
        // Outside that limit: the webhook route streams its body and keeps an oversized one
        // QUARANTINED rather than answering 413, which would put the subscription on probation.
        .merge(
            Router::new()
                .route("/webhooks/azure-devops/{integration_id}", post(crate::webhooks::route::receive))
                .with_state(caps),
        );
    if let Some(cors) = cors {
        router = router.layer(cors);
    }
    // Outermost: the id is set first, the span carries it, and the answer echoes it; innermost,
    // the exported trace spans of the request find it.
    router
        .layer(axum::middleware::from_fn(crate::traces::request_id::scope))
        .layer(crate::http::request_id::propagate())
        .layer(crate::http::request_id::trace())
        .layer(crate::http::request_id::set())
}

async fn readyz(State(db): State<DatabaseConnection>) -> (StatusCode, &'static str) {
    if store::ping(&db).await {
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
