//! Prometheus metrics: one process-wide recorder, rendered at `GET /metrics`.
//!
//! Names: `vcslink_graphql_requests_total{operation,outcome}` (`operation` from a bounded set: a
//! root field name, `other`, `unauthenticated` or `rate-limited`; see `graphql::operation_metric`),
//! `vcslink_graphql_request_duration_seconds{operation}`, `vcslink_upstream_requests_total{endpoint,status}`,
//! `vcslink_upstream_request_duration_seconds{endpoint}`, `vcslink_upstream_cache_total{result}`,
//! `vcslink_token_cache_total{result}`, `vcslink_webhook_deliveries_total{event_type,outcome}`,
//! `vcslink_webhook_commit_batch_size`, `vcslink_outbox_sends_total{result}`, `vcslink_outbox_backlog`.

use std::sync::OnceLock;

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

const LATENCY_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Installs the recorder once per process (later calls reuse it; tests build many apps).
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("duration_seconds".into()), LATENCY_BUCKETS)
                .ok()?
                .set_buckets_for_metric(Matcher::Suffix("batch_size".into()), BATCH_BUCKETS)
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            describe();
            spawn_upkeep(handle.clone());
            Some(handle)
        })
        .as_ref()
}

/// The HELP line of every metric (promtool wants one each).
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "vcslink_graphql_requests_total",
        "GraphQL operations, by root field (a bounded set) and outcome"
    );
    describe_histogram!("vcslink_graphql_request_duration_seconds", "GraphQL operation latency, by root field");
    describe_counter!(
        "vcslink_upstream_requests_total",
        "Requests to Azure DevOps and Entra ID, by endpoint and status"
    );
    describe_histogram!("vcslink_upstream_request_duration_seconds", "Upstream request latency, by endpoint");
    describe_counter!("vcslink_upstream_cache_total", "Upstream read cache lookups, by result");
    describe_counter!("vcslink_token_cache_total", "API token verification cache lookups, by result");
    describe_counter!("vcslink_webhook_deliveries_total", "Service Hook deliveries, by event type and outcome");
    describe_histogram!("vcslink_webhook_commit_batch_size", "Deliveries stored per group commit");
    describe_gauge!("vcslink_webhook_queue_depth", "Deliveries waiting for the group-commit writer");
    describe_counter!("vcslink_outbox_sends_total", "Automation sends, by result");
    describe_gauge!("vcslink_outbox_backlog", "Automation sends due or pending");
    describe_counter!("vcslink_oauth_callbacks_total", "OAuth callbacks, by outcome");
    describe_counter!(
        "vcslink_upstream_budget_refusals_total",
        "GraphQL operations refused before running: more Azure DevOps calls than a request may make"
    );
}

/// Folds recorded histogram samples into their buckets every few seconds. A built (not installed)
/// recorder keeps every sample until the next render otherwise: memory grew with each request
/// when nobody scraped `/metrics`.
fn spawn_upkeep(handle: PrometheusHandle) {
    let upkeep = move || {
        loop {
            std::thread::sleep(UPKEEP_EVERY);
            handle.run_upkeep();
        }
    };
    if let Err(e) = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(upkeep) {
        tracing::warn!(error = %e, "no metrics upkeep thread; histograms are folded at each scrape only");
    }
}

/// `GET /metrics`: the Prometheus text format; with a `token`, only for `Authorization: Bearer <token>`.
pub async fn render(
    token: Option<&secrecy::SecretString>,
    headers: &axum::http::HeaderMap,
) -> axum::response::Response {
    if let Some(token) = token {
        use secrecy::ExposeSecret as _;
        let given = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim())
            .unwrap_or_default();
        let same: bool = subtle::ConstantTimeEq::ct_eq(given.as_bytes(), token.expose_secret().as_bytes()).into();
        if !same {
            let challenge = [(axum::http::header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\"")];
            return (
                axum::http::StatusCode::UNAUTHORIZED,
                challenge,
                "VCSLINK_METRICS_TOKEN is set: send it as a bearer token",
            )
                .into_response();
        }
    }
    let body = install().map(|h| h.render()).unwrap_or_default();
    ([(CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

/// Counts one GraphQL operation and its latency.
pub fn graphql_request(operation: &str, outcome: &'static str, seconds: f64) {
    let op = operation.to_owned();
    metrics::counter!("vcslink_graphql_requests_total", "operation" => op.clone(), "outcome" => outcome).increment(1);
    metrics::histogram!("vcslink_graphql_request_duration_seconds", "operation" => op).record(seconds);
}

/// Counts one upstream call: `endpoint` is the API area (e.g. `git/repositories`), never an id.
pub fn upstream_request(endpoint: String, status: String, seconds: f64) {
    metrics::counter!("vcslink_upstream_requests_total", "endpoint" => endpoint.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("vcslink_upstream_request_duration_seconds", "endpoint" => endpoint).record(seconds);
}

/// One webhook delivery: `event_type` as stored (`CODE_PUSHED`, ..., `OTHER`, or `-` when refused),
/// `outcome` = stored, quarantined, duplicate, rate_limited, unauthorized, gone, unavailable.
pub fn webhook_delivery(event_type: &'static str, outcome: &'static str) {
    metrics::counter!("vcslink_webhook_deliveries_total", "event_type" => event_type, "outcome" => outcome)
        .increment(1);
}

/// One OAuth callback: `outcome` = connected, bad_state, declined, refused, no_code,
/// integration_changed, upstream_unavailable, not_member, internal.
pub fn oauth_callback(outcome: &'static str) {
    metrics::counter!("vcslink_oauth_callbacks_total", "outcome" => outcome).increment(1);
}

/// One group commit of the webhook writer: how many deliveries it stored or refused together.
pub fn webhook_commit_batch(deliveries: usize) {
    metrics::histogram!("vcslink_webhook_commit_batch_size").record(deliveries as f64);
}

/// Deliveries waiting for a webhook writer: `+1` as one is queued, `-n` as a writer takes `n`.
pub fn webhook_queue_depth(change: i64) {
    let gauge = metrics::gauge!("vcslink_webhook_queue_depth");
    if change >= 0 { gauge.increment(change as f64) } else { gauge.decrement(change.unsigned_abs() as f64) }
}

/// One automation send: `result` = sent, retry, failed.
pub fn outbox_send(result: &'static str) {
    metrics::counter!("vcslink_outbox_sends_total", "result" => result).increment(1);
}

/// Sends waiting in the outbox (pending, including those waiting for a retry).
pub fn outbox_backlog(n: u64) {
    metrics::gauge!("vcslink_outbox_backlog").set(n as f64);
}

/// An operation refused by the upstream call budget (`graphql/upstream_budget.rs`).
pub fn upstream_budget_refused() {
    metrics::counter!("vcslink_upstream_budget_refusals_total").increment(1);
}

pub fn cache(result: &'static str) {
    metrics::counter!("vcslink_upstream_cache_total", "result" => result).increment(1);
}

pub fn token_cache(result: &'static str) {
    metrics::counter!("vcslink_token_cache_total", "result" => result).increment(1);
}

/// The API area of an Azure DevOps path: the segments after `_apis` without ids, e.g.
/// `/contoso/Platform/_apis/git/repositories/{id}/refs` → `git/repositories/refs`.
pub fn endpoint_of(path: &str) -> String {
    // Only known resource words survive, so names and ids never become label values.
    const WORDS: &[&str] = &[
        "projects",
        "git",
        "repositories",
        "refs",
        "pullrequests",
        "threads",
        "comments",
        "commits",
        "hooks",
        "subscriptions",
        "wit",
        "workitems",
        "connectiondata",
        "security",
        "permissionevaluationbatch",
        "profile",
        "profiles",
        "me",
        "items",
        "pushes",
    ];
    if path.contains("/oauth2/") {
        return "entra/oauth2".into();
    }
    if path.contains("openid-configuration") {
        return "entra/discovery".into();
    }
    let parts: Vec<String> = path
        .split('/')
        .skip_while(|s| !s.eq_ignore_ascii_case("_apis"))
        .skip(1)
        .map(str::to_ascii_lowercase)
        .filter(|s| WORDS.contains(&s.as_str()))
        .collect();
    if parts.is_empty() { "other".into() } else { parts.join("/") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_name_areas_not_ids() {
        assert_eq!(endpoint_of("/contoso/_apis/projects"), "projects");
        assert_eq!(endpoint_of("/contoso/P/_apis/git/repositories/c4b2a1d0-3e5f/refs"), "git/repositories/refs");
        assert_eq!(endpoint_of("/contoso/_apis/connectionData"), "connectiondata");
        assert_eq!(endpoint_of("/t/oauth2/v2.0/token"), "entra/oauth2");
    }
}
