//! The span catalogue: each exported span, its fields, and what may be recorded into them. Values
//! come from a closed set (outcomes, error codes), are ids of ours, or are checked here (GUIDs,
//! GraphQL names, bounded lengths), so nothing a caller or upstream sends lands in a trace unchecked.

use axum::http::HeaderMap;
use tracing::Span;
use tracing::field::Empty;

use super::{TARGET, request_id};

/// The longest request id or URL path recorded (longer ones are cut).
const MAX_TEXT: usize = 256;

/// `graphql.operation`: one GraphQL operation (each of a batch has its own).
pub fn graphql_operation() -> Span {
    let span = tracing::info_span!(
        target: TARGET,
        "graphql.operation",
        otel.kind = "server",
        otel.status_code = Empty,
        graphql.operation.name = Empty,
        graphql.operation.type = Empty,
        vcslink.request_id = Empty,
        vcslink.tenant_id = Empty,
        vcslink.outcome = Empty,
        vcslink.error_code = Empty,
    );
    with_request_id(span)
}

/// The operation name as recorded: a GraphQL name of at most 100 characters, else a placeholder.
pub fn operation_name(name: Option<&str>) -> &str {
    match name {
        None => "anonymous",
        Some(n) if n.len() > 100 => "long-name",
        Some(n) if is_graphql_name(n) => n,
        Some(_) => "invalid-name",
    }
}

fn is_graphql_name(n: &str) -> bool {
    let mut chars = n.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Records how an operation ended: `ok`, or `error` with the first error's code.
pub fn record_graphql_outcome(span: &Span, error_code: Option<&str>) {
    match error_code {
        None => {
            span.record("vcslink.outcome", "ok");
        }
        Some(code) => {
            span.record("vcslink.outcome", "error");
            span.record("vcslink.error_code", bounded(code));
            span.record("otel.status_code", "error");
        }
    }
}

/// `upstream.request`: one HTTP call to Azure DevOps, Entra ID or the managed identity endpoint.
/// The URL's host and path only: never its query (it can hold codes, versions, continuation tokens).
pub fn upstream_request(method: &str, url: &url::Url) -> Span {
    let span = tracing::info_span!(
        target: TARGET,
        "upstream.request",
        otel.kind = "client",
        otel.status_code = Empty,
        http.request.method = method,
        server.address = url.host_str().unwrap_or(""),
        url.path = bounded(url.path()),
        http.response.status_code = Empty,
        azure_devops.activity_id = Empty,
        error.type = Empty,
        vcslink.request_id = Empty,
    );
    with_request_id(span)
}

/// Records an upstream answer: its status and Azure DevOps' activity id (`X-VSS-ActivityId`, else
/// `ActivityId`), when that is a GUID.
pub fn record_upstream_answer(span: &Span, status: u16, headers: &HeaderMap) {
    span.record("http.response.status_code", i64::from(status));
    if status >= 500 {
        span.record("otel.status_code", "error");
    }
    let activity = ["x-vss-activityid", "activityid"]
        .iter()
        .filter_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()))
        .find(|v| uuid::Uuid::parse_str(v).is_ok());
    if let Some(id) = activity {
        span.record("azure_devops.activity_id", id);
    }
}

/// Records an upstream call that got no answer (`timeout`, `connect`, `refused`, ...).
pub fn record_upstream_failure(span: &Span, kind: &'static str) {
    span.record("error.type", kind);
    span.record("otel.status_code", "error");
}

/// `webhook.ingest`: one Service Hook delivery received.
pub fn webhook_ingest(integration_id: &str) -> Span {
    // The path segment is the caller's: recorded only when it is one of our ids' shape.
    let integration = if uuid::Uuid::parse_str(integration_id).is_ok() { integration_id } else { "invalid" };
    let span = tracing::info_span!(
        target: TARGET,
        "webhook.ingest",
        otel.kind = "server",
        otel.status_code = Empty,
        vcslink.integration_id = integration,
        vcslink.event_type = Empty,
        vcslink.delivery_id = Empty,
        vcslink.outcome = Empty,
        vcslink.request_id = Empty,
    );
    with_request_id(span)
}

/// Records how a delivery ended (`stored`, `quarantined`, `duplicate`, `unauthorized`, ...), with its
/// event type and delivery id once known.
pub fn record_webhook_outcome(
    span: &Span,
    outcome: &'static str,
    event_type: Option<&'static str>,
    delivery_id: Option<&str>,
) {
    span.record("vcslink.outcome", outcome);
    if let Some(t) = event_type {
        span.record("vcslink.event_type", t);
    }
    if let Some(id) = delivery_id {
        span.record("vcslink.delivery_id", id);
    }
    if outcome == "unavailable" {
        span.record("otel.status_code", "error");
    }
}

/// Records how an automation send ended: `sent`, `retry` or `failed`, with the target's status.
pub fn record_send_outcome(span: &Span, outcome: &'static str, status: Option<i32>) {
    span.record("vcslink.outcome", outcome);
    if let Some(code) = status {
        span.record("http.response.status_code", i64::from(code));
    }
    if outcome != "sent" {
        span.record("otel.status_code", "error");
    }
}

/// `automation.send`: one attempt of the outbox to deliver an event to an automation's target.
/// Background work: no request id; `vcslink.delivery_id` ties it to its `webhook.ingest`.
pub fn automation_send(automation_id: &str, delivery_id: &str, target: &str, attempt: i32) -> Span {
    let host = url::Url::parse(target).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default();
    tracing::info_span!(
        target: TARGET,
        "automation.send",
        otel.kind = "client",
        otel.status_code = Empty,
        vcslink.automation_id = automation_id,
        vcslink.delivery_id = delivery_id,
        server.address = host,
        vcslink.attempt = i64::from(attempt),
        http.response.status_code = Empty,
        vcslink.outcome = Empty,
    )
}

fn with_request_id(span: Span) -> Span {
    if let Some(id) = request_id::current() {
        span.record("vcslink.request_id", bounded(&id));
    }
    span
}

fn bounded(text: &str) -> &str {
    if text.len() <= MAX_TEXT {
        return text;
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_graphql_names_or_a_placeholder() {
        assert_eq!(operation_name(Some("Viewer_1")), "Viewer_1");
        assert_eq!(operation_name(None), "anonymous");
        assert_eq!(operation_name(Some("Bearer abc.def")), "invalid-name");
        assert_eq!(operation_name(Some("1x")), "invalid-name");
        assert_eq!(operation_name(Some(&"a".repeat(101))), "long-name");
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let long = "é".repeat(200);
        let cut = bounded(&long);
        assert!(cut.len() <= MAX_TEXT && long.starts_with(cut));
    }
}
