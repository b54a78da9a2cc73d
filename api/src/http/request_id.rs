//! Request ids: taken from `X-Request-Id` (or generated), echoed back, and on every log line's span.

use axum::http::{HeaderName, Request};
use tower_http::classify::ServerErrorsFailureClass;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::{MakeSpan, TraceLayer};
use tracing::Span;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

pub fn set() -> SetRequestIdLayer<MakeRequestUuid> {
    SetRequestIdLayer::new(HEADER, MakeRequestUuid)
}

pub fn propagate() -> PropagateRequestIdLayer {
    PropagateRequestIdLayer::new(HEADER)
}

/// A span per request with its method, path (never the query, which may hold an OAuth code) and id;
/// the GraphQL handler records the operation name into it.
#[derive(Clone, Copy)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, req: &Request<B>) -> Span {
        let id = req.extensions().get::<RequestId>().and_then(|r| r.header_value().to_str().ok()).unwrap_or("-");
        tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path(), operation = tracing::field::Empty)
    }
}

/// The request trace layer. A 503 is always deliberate here (a throttle, or a fault that asks Azure
/// DevOps to retry, each counted and logged where it is decided), so only other server errors get
/// an error line: a flood of throttled requests writes no log line per request.
pub fn trace() -> Trace {
    TraceLayer::new_for_http().make_span_with(RequestSpan).on_failure(on_failure as OnFailure)
}

/// The layer [`trace`] builds.
pub type Trace = TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    RequestSpan,
    tower_http::trace::DefaultOnRequest,
    tower_http::trace::DefaultOnResponse,
    tower_http::trace::DefaultOnBodyChunk,
    tower_http::trace::DefaultOnEos,
    OnFailure,
>;

type OnFailure = fn(ServerErrorsFailureClass, std::time::Duration, &Span);

fn on_failure(failure: ServerErrorsFailureClass, latency: std::time::Duration, _span: &Span) {
    if matches!(failure, ServerErrorsFailureClass::StatusCode(code) if code == axum::http::StatusCode::SERVICE_UNAVAILABLE)
    {
        return;
    }
    tracing::error!(classification = %failure, latency_ms = latency.as_millis() as u64, "response failed");
}
