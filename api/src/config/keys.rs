//! The table of configuration keys: one row per setting, the source of the docs table and of
//! `check-config`. Each key is an environment variable and, without its `VCSLINK_` prefix and in
//! lower case, a key of `vcslink.toml` (the environment wins).

/// One configuration setting.
pub struct Key {
    pub env: &'static str,
    pub default: &'static str,
    pub meaning: &'static str,
    /// Masked by `check-config`.
    pub secret: bool,
    /// Read from the environment only (the `OTEL_*` variables, read by the OpenTelemetry SDK):
    /// `vcslink.toml` refuses the key.
    pub env_only: bool,
}

impl Key {
    /// The `vcslink.toml` key: `VCSLINK_PUBLIC_URL` → `public_url`; none for an environment-only key.
    pub fn toml_key(&self) -> Option<String> {
        (!self.env_only).then(|| self.env.trim_start_matches("VCSLINK_").to_ascii_lowercase())
    }
}

const fn key(env: &'static str, default: &'static str, meaning: &'static str) -> Key {
    Key { env, default, meaning, secret: false, env_only: false }
}

const fn secret(env: &'static str, default: &'static str, meaning: &'static str) -> Key {
    Key { env, default, meaning, secret: true, env_only: false }
}

const fn otel(env: &'static str, default: &'static str, meaning: &'static str) -> Key {
    Key { env, default, meaning, secret: false, env_only: true }
}

pub const KEYS: &[Key] = &[
    secret(
        "VCSLINK_DATABASE_URL",
        "sqlite://./vcslink-data/vcslink.db?mode=rwc",
        "`sqlite://` or `postgres://` (PostgreSQL for several replicas)",
    ),
    key("VCSLINK_LISTEN", "127.0.0.1:8080", "bind address"),
    key("VCSLINK_PUBLIC_URL", "http://{listen}", "base of webhook endpoints and the OAuth redirect URI"),
    key("VCSLINK_DATA_DIR", "./vcslink-data", "key file, first admin token"),
    secret(
        "VCSLINK_MASTER_KEY",
        "(key file)",
        "base64 of 32 bytes; overrides the key file; `VCSLINK_MASTER_KEY_OLD` for rotation",
    ),
    secret("VCSLINK_MASTER_KEY_OLD", "(none)", "the previous master key, while rotating"),
    secret(
        "VCSLINK_METRICS_TOKEN",
        "(none: /metrics is open)",
        "when set, `GET /metrics` answers only `Authorization: Bearer <token>` (401 otherwise), for a scraper's bearer_token",
    ),
    secret("VCSLINK_BOOTSTRAP_TOKEN", "(generated)", "the first admin token, for automation (at least 32 characters)"),
    key(
        "VCSLINK_ALLOW_PRIVATE_UPSTREAMS",
        "false",
        "allow http:// and loopback/private/link-local upstream hosts (tests, labs)",
    ),
    key(
        "VCSLINK_ALLOW_CUSTOM_OAUTH_HOSTS",
        "false",
        "accept OAuth apps whose authorizationUrl/tokenUrl are not on VCSLINK_ENTRA_AUTHORITY's host",
    ),
    key("VCSLINK_ENTRA_AUTHORITY", "https://login.microsoftonline.com", "Entra ID authority base"),
    key("VCSLINK_PROFILE_URL", "https://app.vssps.visualstudio.com", "Azure DevOps profile service base"),
    key(
        "VCSLINK_VSSPS_URL",
        "https://vssps.dev.azure.com",
        "Azure DevOps Services identity host; `{url}/{organization}/_apis/identities` resolves `@<GUID>` mentions (Server: the collection URL)",
    ),
    key(
        "VCSLINK_MANAGED_IDENTITY_ENDPOINT",
        "(App Service's IDENTITY_ENDPOINT, else IMDS)",
        "where `managedIdentity: true` app identities get tokens: the VM's IMDS `http://169.254.169.254/metadata/identity/oauth2/token`, or App Service's `IDENTITY_ENDPOINT` with `IDENTITY_HEADER`; operator configuration, the only address the SSRF guard lets these requests reach",
    ),
    key(
        "AZURE_FEDERATED_TOKEN_FILE",
        "(none)",
        "AKS workload identity (set by its admission webhook): `managedIdentity: true` app identities send this projected service account token, read on every token request, to `AZURE_AUTHORITY_HOST`; give `AZURE_CLIENT_ID` as `appIdentity.clientId`",
    ),
    key(
        "AZURE_AUTHORITY_HOST",
        "https://login.microsoftonline.com/",
        "Entra host for AKS workload identity (set by its admission webhook); tokens come from `{host}{tenant}/oauth2/v2.0/token`",
    ),
    key("VCSLINK_LOG", "info", "tracing filter"),
    key("VCSLINK_LOG_FORMAT", "text", "`json` for JSON lines"),
    key("VCSLINK_INTROSPECTION", "true", "schema introspection (and field suggestions) on or off"),
    key("VCSLINK_CORS_ORIGINS", "(none)", "comma-separated exact origins allowed to call /graphql from a browser"),
    key(
        "VCSLINK_OAUTH_RETURN_ORIGINS",
        "(none)",
        "comma-separated origins, besides the public URL's, that `startAzureDevOpsAuthorization.returnUrl` may point to",
    ),
    key("VCSLINK_TOKEN_RATE_LIMIT", "50", "sustained requests per second per API token (burst 2×); 0 turns it off"),
    key(
        "VCSLINK_TOKEN_REVOCATION_CHECK_SECONDS",
        "5",
        "how often a running server looks for API tokens revoked elsewhere (another replica, `vcslink token revoke`) and stops accepting them; verified tokens are otherwise cached 30 s",
    ),
    key(
        "VCSLINK_WEBHOOK_PASSWORD_GRACE_SECONDS",
        "86400",
        "how long the previous webhook password is still accepted after it changes (rotate or update)",
    ),
    key(
        "VCSLINK_SERVICE_HOOK_RETRY_SECONDS",
        "60",
        "how often service hooks that could not take a new webhook password are retried",
    ),
    key(
        "VCSLINK_WEBHOOK_RATE_LIMIT",
        "200",
        "sustained webhook deliveries per second per integration (burst 2×; over it: 503 + Retry-After); 0 turns it off",
    ),
    key(
        "VCSLINK_WEBHOOK_AUTH_FAILURE_LIMIT",
        "5",
        "failed webhook authentications per second per source address (burst 10×); over it the address is throttled (503 + Retry-After, no database lookups) except for deliveries the integration cache already vouches for; 0 turns it off",
    ),
    key(
        "VCSLINK_DELIVERY_RETENTION_DAYS",
        "30",
        "deliveries older than this are purged in the background in small batches (payloads gone, counts kept in `webhook.purgedDeliveries`); 0 keeps every delivery",
    ),
    key(
        "VCSLINK_TRUSTED_PROXIES",
        "(none)",
        "comma-separated addresses or CIDR ranges of proxies in front of the server; behind them the webhook edge takes the client from `X-Forwarded-For`",
    ),
    key(
        "VCSLINK_WEBHOOK_MAX_BODY_BYTES",
        "4194304",
        "largest Service Hook body stored whole; an authenticated one over it is acknowledged and kept QUARANTINED (size, SHA-256, first 64 KiB)",
    ),
    key("VCSLINK_UPSTREAM_TIMEOUT_SECONDS", "30", "total timeout of one Azure DevOps / Entra request"),
    key("VCSLINK_UPSTREAM_CONNECT_TIMEOUT_SECONDS", "5", "connect timeout of one upstream request"),
    key(
        "VCSLINK_UPSTREAM_CACHE_TTL_SECONDS",
        "30",
        "how long an Azure DevOps answer is served from the in-memory cache",
    ),
    key(
        "VCSLINK_UPSTREAM_CACHE_MIB",
        "64",
        "memory the Azure DevOps answer cache may hold, weighed by the bytes of each answer",
    ),
    key(
        "VCSLINK_UPSTREAM_CALL_BUDGET",
        "100",
        "most Azure DevOps calls one GraphQL request (a batch, or one WebSocket operation) may make, counted from the query before any is made (connections count `first` times); over it is RATE_LIMITED; 0 turns it off",
    ),
    key(
        "VCSLINK_UPSTREAM_CONCURRENCY",
        "8",
        "most Azure DevOps calls in flight at once per integration; more wait their turn",
    ),
    key(
        "VCSLINK_KEY_RELOAD_SECONDS",
        "30",
        "how often a running server re-reads the key file (also on SIGHUP, and at once for a blob under a key it lacks); `rotate-key --finish` waits this long after a rotation",
    ),
    otel(
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "(none: no traces)",
        "OTLP/HTTP collector base URL (`/v1/traces` is appended); setting it, or the next, sends OpenTelemetry traces",
    ),
    otel(
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "(none)",
        "the full traces URL, used as given; wins over `OTEL_EXPORTER_OTLP_ENDPOINT`",
    ),
    otel(
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "http/protobuf",
        "the only protocol built in; `grpc` or `http/json` (here or in `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`) is refused at start-up",
    ),
    Key {
        env: "OTEL_EXPORTER_OTLP_HEADERS",
        default: "(none)",
        meaning: "`key=value,...` headers sent to the collector, such as its API key (`OTEL_EXPORTER_OTLP_TRACES_HEADERS` wins)",
        secret: true,
        env_only: true,
    },
    otel("OTEL_EXPORTER_OTLP_TIMEOUT", "10000", "milliseconds one export may take"),
    otel("OTEL_EXPORTER_OTLP_COMPRESSION", "(none)", "`gzip` compresses the exports"),
    otel("OTEL_SERVICE_NAME", "vcslink", "the `service.name` resource attribute"),
    otel("OTEL_RESOURCE_ATTRIBUTES", "(none)", "`key=value,...` resource attributes (`deployment.environment=prod`)"),
    otel(
        "OTEL_TRACES_SAMPLER",
        "parentbased_always_on",
        "`always_on`, `always_off`, `traceidratio`, `parentbased_always_on`, `parentbased_always_off`, `parentbased_traceidratio`; `OTEL_TRACES_SAMPLER_ARG` holds the ratio",
    ),
    otel(
        "OTEL_BSP_SCHEDULE_DELAY",
        "5000",
        "milliseconds between two exports of the batch span processor (`OTEL_BSP_MAX_QUEUE_SIZE`, `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` are honoured too)",
    ),
    otel(
        "OTEL_TRACES_EXPORTER",
        "otlp",
        "`none` turns traces off even with an endpoint set (so does `OTEL_SDK_DISABLED=true`)",
    ),
];

/// The configuration table as Markdown (the docs embed it; a test checks it did not drift).
pub fn markdown_table() -> String {
    let mut out = String::from("| env var | `vcslink.toml` key | default | meaning |\n|---|---|---|---|\n");
    for k in KEYS {
        let toml_key = k.toml_key().map_or_else(|| "(environment only)".to_owned(), |t| format!("`{t}`"));
        out.push_str(&format!("| `{}` | {} | `{}` | {} |\n", k.env, toml_key, k.default, k.meaning));
    }
    out
}
