//! Generated documentation: the configuration table, the troubleshooting table (verification code →
//! cause → fix, from the same table that produces the hints) and the error-code reference.

use secrecy::ExposeSecret;

use crate::azure::verification::VerificationCode;
use crate::config::Config;
use crate::config::keys::{self, KEYS};

pub mod cli_verbs;

/// The generated tables, by name (`print-docs <name>`; `cli` is `cli_verbs::table`, which needs
/// the command line handed in).
pub const TABLES: &[&str] = &["config", "troubleshooting", "errors", "cli", "env", "verification-codes", "pat-scopes"];

/// A generated table by name (all but `cli`).
pub fn table(name: &str) -> Option<String> {
    match name {
        "config" => Some(keys::markdown_table()),
        "troubleshooting" => Some(troubleshooting()),
        "errors" => Some(error_codes()),
        "env" => Some(env_names()),
        "verification-codes" => Some(verification_codes()),
        "pat-scopes" => Some(crate::domain::pat_scopes::markdown_table()),
        _ => None,
    }
}

/// Every environment variable with its default (the meanings are in the `config` table).
pub fn env_names() -> String {
    let mut out = String::from("| env var | default |\n|---|---|\n");
    for k in KEYS {
        out.push_str(&format!("| `{}` | `{}` |\n", k.env, k.default));
    }
    out
}

/// Every verification code with its cause (the fixes are in the `troubleshooting` table).
pub fn verification_codes() -> String {
    let mut out = String::from("| code | cause |\n|---|---|\n");
    for code in VerificationCode::ALL {
        let e = code.entry();
        out.push_str(&format!("| `{}` | {} |\n", e.code, e.cause.replace('|', "\\|")));
    }
    out
}

/// Verification code → cause → fix, for every code.
pub fn troubleshooting() -> String {
    let mut out = String::from("| code | cause | what to do |\n|---|---|---|\n");
    for code in VerificationCode::ALL {
        let e = code.entry();
        out.push_str(&format!("| `{}` | {} | {} |\n", e.code, e.cause, e.hint.unwrap_or("—").replace('|', "\\|")));
    }
    out
}

/// The GraphQL error codes (`extensions.code`).
pub const ERROR_CODES: &[(&str, &str)] = &[
    ("UNAUTHENTICATED", "No API token, or a revoked or unknown one. Send `Authorization: Bearer <token>`."),
    (
        "NOT_FOUND",
        "The object does not exist, or belongs to another tenant (the two are indistinguishable on purpose).",
    ),
    ("FORBIDDEN", "The token's role may not do this (a MEMBER calling an ADMIN mutation)."),
    (
        "VALIDATION",
        "The input is invalid; `extensions.field` names the input field and `extensions.hint` says what to send.",
    ),
    (
        "CONFLICT",
        "A duplicate: the name is taken in this tenant, an idempotency key was reused with other input, the branch or pull request exists, or a secret was sent under its stored version with another value (bump the version).",
    ),
    (
        "NOT_AUTHORIZED_UPSTREAM",
        "Azure DevOps refused the credential, or the caller has not connected Azure DevOps (or their authorization expired); the hint says how to fix it, and `extensions.startMutation` (the mutation that starts an OAuth authorization) / `extensions.personalAccessTokenUrl` say how.",
    ),
    (
        "UPSTREAM_UNAVAILABLE",
        "Azure DevOps could not be reached or did not answer usefully (DNS, connection or TLS failures, timeouts, 5xx after retries, unexpected answers); `extensions.hint` says what to check.",
    ),
    (
        "RATE_LIMITED",
        "Too many requests, here or at Azure DevOps; `extensions.retryAfterSeconds` (and the hint) say when to retry. Without `retryAfterSeconds`, the query itself could make more Azure DevOps calls than one request may (`extensions.upstreamCalls` over `extensions.upstreamCallBudget`, `VCSLINK_UPSTREAM_CALL_BUDGET`): waiting does not help, a smaller `first` or a split query does.",
    ),
    (
        "INTERNAL",
        "A fault of ours; the message says only \"internal error\" and the cause is logged with the request id.",
    ),
    (
        "BAD_REQUEST",
        "The HTTP request is not one `/graphql` runs: a body that is not JSON or not `{\"query\", \"operationName\", \"variables\"}`, a content type other than `application/json`, a GET from a non-browser, a missing or unknown `operationName`, a subscription POSTed (use `/graphql/ws`); `extensions.field` names the request member at fault where there is one.",
    ),
    (
        "PAYLOAD_TOO_LARGE",
        "The request body is over 1 MiB (HTTP 413); send fewer or shorter variables, or split a batch.",
    ),
];

/// The verification codes that report the same condition as a GraphQL error code: one condition,
/// one row, whichever of the two families reports it.
pub const SAME_CONDITION: &[(&str, &[&str])] = &[
    ("NOT_AUTHORIZED_UPSTREAM", &["PAT_INVALID", "PAT_EXPIRED", "PAT_GLOBAL_RETIRED", "APP_IDENTITY_NOT_ORG_MEMBER"]),
    ("UPSTREAM_UNAVAILABLE", &["UPSTREAM_UNREACHABLE"]),
    ("RATE_LIMITED", &["UPSTREAM_RATE_LIMITED"]),
    ("NOT_FOUND", &["ORGANIZATION_NOT_FOUND"]),
];

pub fn error_codes() -> String {
    let mut out = String::from("| code | meaning | in a verification |\n|---|---|---|\n");
    for (code, meaning) in ERROR_CODES {
        let same = SAME_CONDITION
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| "—".to_owned(), |(_, v)| v.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "));
        out.push_str(&format!("| `{code}` | {meaning} | {same} |\n"));
    }
    out
}

/// `check-config`: every key with its effective value; secrets masked.
pub fn effective_config(c: &Config) -> String {
    let set = |s: &Option<secrecy::SecretString>| {
        if s.as_ref().is_some_and(|v| !v.expose_secret().is_empty()) { "(set)" } else { "(unset)" }
    };
    let values: Vec<(&str, String)> = vec![
        ("VCSLINK_DATABASE_URL", mask_url(&c.database_url)),
        ("VCSLINK_LISTEN", c.listen.to_string()),
        ("VCSLINK_PUBLIC_URL", c.public_url.as_ref().map_or_else(|| format!("http://{}", c.listen), |u| u.to_string())),
        ("VCSLINK_DATA_DIR", c.data_dir.display().to_string()),
        ("VCSLINK_MASTER_KEY", set(&c.master_key).into()),
        ("VCSLINK_MASTER_KEY_OLD", set(&c.master_key_old).into()),
        ("VCSLINK_BOOTSTRAP_TOKEN", set(&c.bootstrap_token).into()),
        ("VCSLINK_METRICS_TOKEN", set(&c.metrics_token).into()),
        ("VCSLINK_ALLOW_PRIVATE_UPSTREAMS", c.allow_private_upstreams.to_string()),
        ("VCSLINK_ALLOW_CUSTOM_OAUTH_HOSTS", c.allow_custom_oauth_hosts.to_string()),
        ("VCSLINK_ENTRA_AUTHORITY", c.entra_authority.to_string()),
        ("VCSLINK_PROFILE_URL", c.profile_url.to_string()),
        ("VCSLINK_VSSPS_URL", c.vssps_url.to_string()),
        (
            "VCSLINK_MANAGED_IDENTITY_ENDPOINT",
            c.managed_identity_endpoint.as_ref().map_or_else(|| "(App Service or IMDS)".to_owned(), |u| u.to_string()),
        ),
        (
            "AZURE_FEDERATED_TOKEN_FILE",
            c.federated_token_file.as_ref().map_or_else(|| "(none)".to_owned(), |p| p.display().to_string()),
        ),
        (
            "AZURE_AUTHORITY_HOST",
            c.azure_authority_host
                .as_ref()
                .map_or_else(|| crate::azure::workload_identity::DEFAULT_AUTHORITY_HOST.to_owned(), |u| u.to_string()),
        ),
        ("VCSLINK_LOG", c.log.clone()),
        ("VCSLINK_LOG_FORMAT", if c.log_json { "json".into() } else { "text".into() }),
        ("VCSLINK_INTROSPECTION", c.introspection.to_string()),
        ("VCSLINK_CORS_ORIGINS", c.cors_origins.join(",")),
        ("VCSLINK_OAUTH_RETURN_ORIGINS", c.oauth_return_origins.join(",")),
        ("VCSLINK_TOKEN_RATE_LIMIT", c.token_rate_limit.to_string()),
        ("VCSLINK_TOKEN_REVOCATION_CHECK_SECONDS", c.token_revocation_check.as_secs().to_string()),
        ("VCSLINK_WEBHOOK_RATE_LIMIT", c.webhook_rate_limit.to_string()),
        ("VCSLINK_WEBHOOK_AUTH_FAILURE_LIMIT", c.webhook_auth_failure_limit.to_string()),
        ("VCSLINK_DELIVERY_RETENTION_DAYS", c.delivery_retention_days.to_string()),
        ("VCSLINK_TRUSTED_PROXIES", c.trusted_proxies.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")),
        ("VCSLINK_WEBHOOK_MAX_BODY_BYTES", c.webhook_max_body_bytes.to_string()),
        ("VCSLINK_WEBHOOK_PASSWORD_GRACE_SECONDS", c.webhook_password_grace.as_secs().to_string()),
        ("VCSLINK_SERVICE_HOOK_RETRY_SECONDS", c.service_hook_retry_interval.as_secs().to_string()),
        ("VCSLINK_UPSTREAM_TIMEOUT_SECONDS", c.upstream_timeout.as_secs().to_string()),
        ("VCSLINK_UPSTREAM_CONNECT_TIMEOUT_SECONDS", c.upstream_connect_timeout.as_secs().to_string()),
        ("VCSLINK_UPSTREAM_CACHE_TTL_SECONDS", c.upstream_cache_ttl.as_secs().to_string()),
        ("VCSLINK_UPSTREAM_CACHE_MIB", (c.upstream_cache_bytes >> 20).to_string()),
        ("VCSLINK_UPSTREAM_CALL_BUDGET", c.upstream_call_budget.to_string()),
        ("VCSLINK_UPSTREAM_CONCURRENCY", c.upstream_concurrency.to_string()),
        ("VCSLINK_KEY_RELOAD_SECONDS", c.key_reload_interval.as_secs().to_string()),
    ];
    let mut out = String::new();
    for k in KEYS {
        let v = match values.iter().find(|(env, _)| *env == k.env) {
            Some((_, v)) => v.clone(),
            None if k.env_only => crate::config::otel::effective(k.env, k.default),
            None => "(see docs)".into(),
        };
        out.push_str(&format!("{} = {}\n", k.env, v));
    }
    out
}

/// A database URL without its password.
fn mask_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("****"));
            u.to_string()
        }
        _ => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_an_effective_value_and_passwords_are_masked() {
        let mut c = Config::with_data_dir("/tmp/x".into());
        c.database_url = "postgres://app:hunter2@db/vcslink".into();
        let text = effective_config(&c);
        assert!(!text.contains("hunter2"));
        assert!(!text.contains("(see docs)"), "a key of KEYS has no effective value: {text}");
        assert_eq!(text.lines().count(), KEYS.len());
    }

    #[test]
    fn every_same_condition_row_names_real_codes_of_both_families() {
        for (code, verification) in SAME_CONDITION {
            assert!(ERROR_CODES.iter().any(|(c, _)| c == code), "{code} is no GraphQL error code");
            for v in *verification {
                assert!(VerificationCode::ALL.iter().any(|c| c.as_str() == *v), "{v} is no verification code");
            }
        }
    }
}
