//! An in-process OTLP/HTTP collector: `POST /v1/traces` with `application/x-protobuf`, decoded as
//! `ExportTraceServiceRequest`, kept with its raw bytes and headers for the trace tests.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use opentelemetry_proto::tonic::collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use prost::Message as _;

/// One exported span, flattened.
#[derive(Clone, Debug)]
pub struct SeenSpan {
    pub name: String,
    pub trace_id: Vec<u8>,
    pub span_id: Vec<u8>,
    pub parent_span_id: Vec<u8>,
    pub attributes: BTreeMap<String, String>,
    /// The resource attributes of the batch the span came in.
    pub resource: BTreeMap<String, String>,
}

impl SeenSpan {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }
}

#[derive(Default)]
struct Seen {
    raw: Vec<Vec<u8>>,
    headers: Vec<HeaderMap>,
    spans: Vec<SeenSpan>,
}

/// The collector; `endpoint` is what `OTEL_EXPORTER_OTLP_ENDPOINT` should say.
#[derive(Clone)]
pub struct OtlpReceiver {
    pub endpoint: String,
    seen: Arc<Mutex<Seen>>,
}

impl OtlpReceiver {
    pub async fn start() -> OtlpReceiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind collector");
        let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
        let receiver = OtlpReceiver { endpoint, seen: Arc::default() };
        let state = receiver.seen.clone();
        let app = axum::Router::new().route(
            "/v1/traces",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let state = state.clone();
                async move { accept(&state, headers, body) }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        receiver
    }

    pub fn spans(&self) -> Vec<SeenSpan> {
        self.lock().spans.clone()
    }

    /// Every request body received, concatenated (to look for secrets in all of it).
    pub fn raw(&self) -> Vec<u8> {
        self.lock().raw.concat()
    }

    pub fn headers(&self) -> Vec<HeaderMap> {
        self.lock().headers.clone()
    }

    /// Waits (at most `within`) until `done` holds for the spans received so far; returns them.
    pub async fn wait_until(&self, within: Duration, done: impl Fn(&[SeenSpan]) -> bool) -> Vec<SeenSpan> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let spans = self.spans();
            if done(&spans) || tokio::time::Instant::now() >= deadline {
                return spans;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn accept(
    state: &Mutex<Seen>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, [(header::HeaderName, &'static str); 1], Vec<u8>) {
    let protobuf = [(header::CONTENT_TYPE, "application/x-protobuf")];
    let is_protobuf = headers.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes() == b"application/x-protobuf");
    let Ok(request) = ExportTraceServiceRequest::decode(body.as_ref())
        .map_err(|_| ())
        .and_then(|r| if is_protobuf { Ok(r) } else { Err(()) })
    else {
        return (StatusCode::BAD_REQUEST, protobuf, Vec::new());
    };
    let mut seen = state.lock().unwrap_or_else(|e| e.into_inner());
    seen.raw.push(body.to_vec());
    seen.headers.push(headers);
    for resource_spans in request.resource_spans {
        let resource = resource_spans.resource.map(|r| flatten(&r.attributes)).unwrap_or_default();
        for scope in resource_spans.scope_spans {
            for span in scope.spans {
                seen.spans.push(SeenSpan {
                    name: span.name,
                    trace_id: span.trace_id,
                    span_id: span.span_id,
                    parent_span_id: span.parent_span_id,
                    attributes: flatten(&span.attributes),
                    resource: resource.clone(),
                });
            }
        }
    }
    (StatusCode::OK, protobuf, ExportTraceServiceResponse::default().encode_to_vec())
}

fn flatten(attributes: &[KeyValue]) -> BTreeMap<String, String> {
    attributes.iter().map(|kv| (kv.key.clone(), kv.value.as_ref().map(text).unwrap_or_default())).collect()
}

fn text(v: &AnyValue) -> String {
    match &v.value {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}
