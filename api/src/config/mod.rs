//! The server's configuration: the only place that reads environment variables (and, through
//! [`file`], `vcslink.toml`); [`keys`] documents every setting.

pub mod file;
pub mod keys;
pub mod otel;
pub mod public_url;
pub mod validate;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

/// Everything the server needs to start; built from the environment by `from_env`, or in code by tests.
#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub listen: SocketAddr,
    /// Base of webhook endpoints and the OAuth redirect URI; `None` means `http://{listen}` once bound.
    pub public_url: Option<Url>,
    pub data_dir: PathBuf,
    pub master_key: Option<SecretString>,
    pub master_key_old: Option<SecretString>,
    pub bootstrap_token: Option<SecretString>,
    /// When set, `GET /metrics` answers only `Authorization: Bearer <this token>`.
    pub metrics_token: Option<SecretString>,
    pub allow_private_upstreams: bool,
    /// Accept OAuth authorization/token URLs off the Entra authority's host.
    pub allow_custom_oauth_hosts: bool,
    pub entra_authority: Url,
    pub profile_url: Url,
    /// The Azure DevOps Services identity host (`VCSLINK_VSSPS_URL`): `{vssps_url}/{organization}/_apis/identities`.
    pub vssps_url: Url,
    /// Where app identities with `managedIdentity: true` get tokens (`VCSLINK_MANAGED_IDENTITY_ENDPOINT`);
    /// `None`: App Service's `IDENTITY_ENDPOINT` (with `IDENTITY_HEADER`) when set, else the VM's IMDS.
    pub managed_identity_endpoint: Option<Url>,
    /// AKS workload identity: the projected service account token (`AZURE_FEDERATED_TOKEN_FILE`),
    /// exchanged at `AZURE_AUTHORITY_HOST` by app identities with `managedIdentity: true`.
    pub federated_token_file: Option<PathBuf>,
    /// `AZURE_AUTHORITY_HOST` (default `https://login.microsoftonline.com/`).
    pub azure_authority_host: Option<Url>,
    pub log: String,
    pub log_json: bool,
    pub introspection: bool,
    pub cors_origins: Vec<String>,
    /// Sustained requests per second per API token; 0 turns the limit off.
    pub token_rate_limit: u32,
    /// How long a verified API token is trusted without asking the database again.
    pub token_cache_ttl: Duration,
    /// How often a running server looks for tokens revoked elsewhere and drops them from its cache.
    pub token_revocation_check: Duration,
    pub upstream_connect_timeout: Duration,
    pub upstream_timeout: Duration,
    /// Origins (`scheme://host[:port]`) besides the public URL's that `returnUrl` may point to
    /// after an OAuth authorization (`VCSLINK_OAUTH_RETURN_ORIGINS`, comma-separated).
    pub oauth_return_origins: Vec<String>,
    /// How long a started OAuth authorization may take (10 minutes).
    pub oauth_state_ttl: Duration,
    /// A user's access token is refreshed when it has less than this left.
    pub oauth_refresh_margin: Duration,
    /// How long an Azure DevOps answer is served from the cache.
    pub upstream_cache_ttl: Duration,
    /// Bytes of answers the upstream cache may hold.
    pub upstream_cache_bytes: u64,
    /// Upstream calls one GraphQL request may make (counted before it runs); 0 turns it off.
    pub upstream_call_budget: u64,
    /// Upstream calls in flight at once per integration.
    pub upstream_concurrency: u32,
    /// How often a running server re-reads the key file (and `rotate-key --finish` waits that
    /// long after a rotation before it drops the previous key).
    pub key_reload_interval: Duration,
    /// Whether to create the `default` tenant and its first admin token when the database has no tenant.
    pub bootstrap: bool,
    /// How long the previous webhook password is still accepted after a rotation.
    pub webhook_password_grace: Duration,
    /// Sustained webhook deliveries per second per integration (burst 2×); 0 turns it off.
    pub webhook_rate_limit: u32,
    /// Failed webhook authentications per second per source address (burst 10×) before the
    /// address is throttled; 0 turns it off.
    pub webhook_auth_failure_limit: u32,
    /// Proxies whose `X-Forwarded-For` names the client (the webhook edge's source address).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Deliveries older than this many days are purged (their counts kept); 0 keeps them all.
    pub delivery_retention_days: u32,
    /// How often the retention purge runs.
    pub delivery_purge_interval: Duration,
    /// The largest Service Hook body stored whole; an authenticated larger one is kept QUARANTINED.
    pub webhook_max_body_bytes: usize,
    /// The first retry delay of an automation send; each further retry doubles it.
    pub automation_retry_base: Duration,
    /// Attempts per automation send before it is marked FAILED.
    pub automation_max_attempts: u32,
    /// How often the outbox worker looks for due sends (it is also woken by new deliveries).
    pub outbox_poll_interval: Duration,
    /// How often service hooks still holding an old webhook password are retried.
    pub service_hook_retry_interval: Duration,
    /// OpenTelemetry traces over OTLP, when an `OTEL_EXPORTER_OTLP_*ENDPOINT` is set ([`otel`]).
    pub traces: Option<otel::Traces>,
}

/// A configuration value that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

impl Config {
    /// The defaults of DESIGN.md, with the database and data dir under `data_dir`.
    pub fn with_data_dir(data_dir: PathBuf) -> Config {
        let database_url = format!("sqlite://{}?mode=rwc", data_dir.join("vcslink.db").display());
        Config {
            database_url,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            data_dir,
            master_key: None,
            master_key_old: None,
            metrics_token: None,
            bootstrap_token: None,
            allow_private_upstreams: false,
            allow_custom_oauth_hosts: false,
            entra_authority: fixed_url("https://login.microsoftonline.com"),
            profile_url: fixed_url("https://app.vssps.visualstudio.com"),
            vssps_url: fixed_url("https://vssps.dev.azure.com"),
            managed_identity_endpoint: None,
            federated_token_file: None,
            azure_authority_host: None,
            log: "info".to_owned(),
            log_json: false,
            introspection: true,
            cors_origins: Vec::new(),
            token_rate_limit: 50,
            token_cache_ttl: Duration::from_secs(30),
            token_revocation_check: Duration::from_secs(5),
            upstream_connect_timeout: Duration::from_secs(5),
            upstream_timeout: Duration::from_secs(30),
            oauth_return_origins: Vec::new(),
            oauth_state_ttl: Duration::from_secs(600),
            oauth_refresh_margin: Duration::from_secs(300),
            upstream_cache_ttl: Duration::from_secs(30),
            upstream_cache_bytes: 64 << 20,
            upstream_call_budget: 100,
            upstream_concurrency: 8,
            key_reload_interval: Duration::from_secs(30),
            bootstrap: true,
            webhook_password_grace: Duration::from_secs(24 * 3600),
            webhook_rate_limit: 200,
            webhook_auth_failure_limit: 5,
            trusted_proxies: Vec::new(),
            delivery_retention_days: 30,
            delivery_purge_interval: Duration::from_secs(600),
            webhook_max_body_bytes: 4 * 1024 * 1024,
            automation_retry_base: Duration::from_secs(2),
            automation_max_attempts: 8,
            outbox_poll_interval: Duration::from_secs(1),
            service_hook_retry_interval: Duration::from_secs(60),
            traces: None,
        }
    }

    /// Reads every `VCSLINK_*` variable of DESIGN.md over the defaults.
    pub fn from_env() -> Result<Config, ConfigError> {
        let data_dir = PathBuf::from(var("VCSLINK_DATA_DIR").unwrap_or_else(|| "./vcslink-data".to_owned()));
        let mut config = Config::with_data_dir(data_dir);
        if var("VCSLINK_DATA_DIR").is_none() {
            config.database_url = "sqlite://./vcslink-data/vcslink.db?mode=rwc".to_owned();
        }
        if let Some(v) = var("VCSLINK_DATABASE_URL") {
            config.database_url = v;
        }
        if let Some(v) = var("VCSLINK_LISTEN") {
            config.listen = v.parse().map_err(|_| ConfigError {
                var: "VCSLINK_LISTEN",
                message: format!("expected host:port such as 127.0.0.1:8080, got {v:?}"),
            })?;
        }
        if let Some(v) = var("VCSLINK_PUBLIC_URL") {
            config.public_url = Some(parse_url("VCSLINK_PUBLIC_URL", &v)?);
        }
        config.master_key = var("VCSLINK_MASTER_KEY").map(SecretString::from);
        config.master_key_old = var("VCSLINK_MASTER_KEY_OLD").map(SecretString::from);
        config.metrics_token = var("VCSLINK_METRICS_TOKEN").map(|v| SecretString::from(v.trim()));
        if let Some(v) = var("VCSLINK_BOOTSTRAP_TOKEN") {
            if v.chars().count() < 32 {
                return Err(ConfigError {
                    var: "VCSLINK_BOOTSTRAP_TOKEN",
                    message: "must be at least 32 characters".into(),
                });
            }
            config.bootstrap_token = Some(SecretString::from(v));
        }
        if let Some(v) = var("VCSLINK_ALLOW_PRIVATE_UPSTREAMS") {
            config.allow_private_upstreams = parse_bool("VCSLINK_ALLOW_PRIVATE_UPSTREAMS", &v)?;
        }
        if let Some(v) = var("VCSLINK_ALLOW_CUSTOM_OAUTH_HOSTS") {
            config.allow_custom_oauth_hosts = parse_bool("VCSLINK_ALLOW_CUSTOM_OAUTH_HOSTS", &v)?;
        }
        if let Some(v) = var("VCSLINK_ENTRA_AUTHORITY") {
            config.entra_authority = parse_url("VCSLINK_ENTRA_AUTHORITY", &v)?;
        }
        if let Some(v) = var("VCSLINK_PROFILE_URL") {
            config.profile_url = parse_url("VCSLINK_PROFILE_URL", &v)?;
        }
        if let Some(v) = var("VCSLINK_VSSPS_URL") {
            config.vssps_url = parse_url("VCSLINK_VSSPS_URL", &v)?;
        }
        if let Some(v) = var("VCSLINK_MANAGED_IDENTITY_ENDPOINT") {
            config.managed_identity_endpoint = Some(parse_url("VCSLINK_MANAGED_IDENTITY_ENDPOINT", &v)?);
        }
        if let Some(v) = var("AZURE_FEDERATED_TOKEN_FILE") {
            config.federated_token_file = Some(PathBuf::from(v));
        }
        if let Some(v) = var("AZURE_AUTHORITY_HOST") {
            config.azure_authority_host = Some(parse_url("AZURE_AUTHORITY_HOST", &v)?);
        }
        config.traces = otel::from_env()?;
        if let Some(v) = var("VCSLINK_LOG") {
            config.log = v;
        }
        if let Some(v) = var("VCSLINK_LOG_FORMAT") {
            config.log_json = match v.as_str() {
                "json" => true,
                "text" | "pretty" => false,
                _ => return Err(ConfigError { var: "VCSLINK_LOG_FORMAT", message: "expected json or text".into() }),
            };
        }
        if let Some(v) = var("VCSLINK_INTROSPECTION") {
            config.introspection = parse_bool("VCSLINK_INTROSPECTION", &v)?;
        }
        if let Some(v) = var("VCSLINK_CORS_ORIGINS") {
            config.cors_origins = v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        }
        if let Some(v) = var("VCSLINK_OAUTH_RETURN_ORIGINS") {
            config.oauth_return_origins = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.trim_end_matches('/').to_owned())
                .collect();
        }
        if let Some(v) = var("VCSLINK_TOKEN_RATE_LIMIT") {
            config.token_rate_limit = v.parse().map_err(|_| ConfigError {
                var: "VCSLINK_TOKEN_RATE_LIMIT",
                message: "expected a whole number of requests per second (0 = off)".into(),
            })?;
        }
        if let Some(v) = var("VCSLINK_TOKEN_REVOCATION_CHECK_SECONDS") {
            config.token_revocation_check =
                seconds("VCSLINK_TOKEN_REVOCATION_CHECK_SECONDS", &v)?.max(Duration::from_secs(1));
        }
        if let Some(v) = var("VCSLINK_UPSTREAM_TIMEOUT_SECONDS") {
            config.upstream_timeout = seconds("VCSLINK_UPSTREAM_TIMEOUT_SECONDS", &v)?;
        }
        if let Some(v) = var("VCSLINK_UPSTREAM_CONNECT_TIMEOUT_SECONDS") {
            config.upstream_connect_timeout = seconds("VCSLINK_UPSTREAM_CONNECT_TIMEOUT_SECONDS", &v)?;
        }
        if let Some(v) = var("VCSLINK_UPSTREAM_CACHE_TTL_SECONDS") {
            config.upstream_cache_ttl = seconds("VCSLINK_UPSTREAM_CACHE_TTL_SECONDS", &v)?;
        }
        if let Some(v) = var("VCSLINK_UPSTREAM_CACHE_MIB") {
            let mib: u64 = v.parse().map_err(|_| ConfigError {
                var: "VCSLINK_UPSTREAM_CACHE_MIB",
                message: "expected a whole number of MiB".into(),
            })?;
            config.upstream_cache_bytes = mib.saturating_mul(1 << 20);
        }
        if let Some(v) = var("VCSLINK_UPSTREAM_CALL_BUDGET") {
            config.upstream_call_budget = v.parse().map_err(|_| ConfigError {
                var: "VCSLINK_UPSTREAM_CALL_BUDGET",
                message: "expected a whole number of calls per request (0 = off)".into(),
            })?;
        }
        if let Some(v) = var("VCSLINK_UPSTREAM_CONCURRENCY") {
            config.upstream_concurrency = v.parse().ok().filter(|n| *n > 0).ok_or_else(|| ConfigError {
                var: "VCSLINK_UPSTREAM_CONCURRENCY",
                message: "expected a whole number of calls, at least 1".into(),
            })?;
        }
        if let Some(v) = var("VCSLINK_KEY_RELOAD_SECONDS") {
            config.key_reload_interval = seconds("VCSLINK_KEY_RELOAD_SECONDS", &v)?.max(Duration::from_secs(1));
        }
        if let Some(v) = var("VCSLINK_SERVICE_HOOK_RETRY_SECONDS") {
            config.service_hook_retry_interval = seconds("VCSLINK_SERVICE_HOOK_RETRY_SECONDS", &v)?;
        }
        if let Some(v) = var("VCSLINK_WEBHOOK_PASSWORD_GRACE_SECONDS") {
            config.webhook_password_grace = seconds("VCSLINK_WEBHOOK_PASSWORD_GRACE_SECONDS", &v)?;
        }
        if let Some(v) = var("VCSLINK_WEBHOOK_RATE_LIMIT") {
            config.webhook_rate_limit = v.parse().map_err(|_| ConfigError {
                var: "VCSLINK_WEBHOOK_RATE_LIMIT",
                message: "expected a whole number of deliveries per second (0 = off)".into(),
            })?;
        }
        if let Some(v) = var("VCSLINK_WEBHOOK_AUTH_FAILURE_LIMIT") {
            config.webhook_auth_failure_limit = v.trim().parse().map_err(|_| ConfigError {
                var: "VCSLINK_WEBHOOK_AUTH_FAILURE_LIMIT",
                message: "expected a whole number of failed authentications per second (0 = off)".into(),
            })?;
        }
        if let Some(v) = var("VCSLINK_DELIVERY_RETENTION_DAYS") {
            config.delivery_retention_days = v.trim().parse().map_err(|_| ConfigError {
                var: "VCSLINK_DELIVERY_RETENTION_DAYS",
                message: "expected a whole number of days (0 keeps every delivery)".into(),
            })?;
        }
        if let Some(v) = var("VCSLINK_TRUSTED_PROXIES") {
            config.trusted_proxies = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<ipnet::IpNet>()
                        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                        .map_err(|_| ConfigError {
                            var: "VCSLINK_TRUSTED_PROXIES",
                            message: format!("{s:?} is not an IP address or CIDR range (such as 10.0.0.0/8)"),
                        })
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(v) = var("VCSLINK_WEBHOOK_MAX_BODY_BYTES") {
            config.webhook_max_body_bytes = match v.trim().parse::<usize>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return Err(ConfigError {
                        var: "VCSLINK_WEBHOOK_MAX_BODY_BYTES",
                        message: format!("expected a positive whole number of bytes, got {v:?}"),
                    });
                }
            };
        }
        Ok(config)
    }

    /// The public base URL, given the address the server actually bound.
    pub fn public_url_for(&self, bound: SocketAddr) -> Url {
        match &self.public_url {
            Some(url) => url.clone(),
            None => fixed_url(&format!("http://{bound}")),
        }
    }

    pub fn key_file(&self) -> PathBuf {
        self.data_dir.join("master.key")
    }

    pub fn admin_token_file(&self) -> PathBuf {
        self.data_dir.join("admin-token")
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

/// The environment's value, else `vcslink.toml`'s.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty()).or_else(|| file::value(name))
}

fn parse_bool(var: &'static str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError { var, message: format!("expected true or false, got {v:?}") }),
    }
}

fn seconds(var: &'static str, v: &str) -> Result<Duration, ConfigError> {
    v.trim()
        .parse::<u64>()
        .map(Duration::from_secs)
        .map_err(|_| ConfigError { var, message: format!("expected a whole number of seconds, got {v:?}") })
}

fn parse_url(var: &'static str, v: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(v.trim()).map_err(|e| ConfigError { var, message: format!("not a URL: {e}") })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError { var, message: "expected an http(s) URL".into() });
    }
    Ok(url)
}

/// A URL literal known to be valid at compile time.
fn fixed_url(s: &str) -> Url {
    #[allow(clippy::expect_used)]
    Url::parse(s).expect("built-in URL is valid")
}
