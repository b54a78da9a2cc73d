//! HTTP handlers of `/graphql`: POST runs operations as the bearer token's principal; GET serves
//! GraphiQL to browsers (and refuses other clients with a GraphQL error: operations are POSTed).

use async_graphql::BatchRequest;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::AppSchema;
use super::context::Caller;
use super::transport::{self, GraphQLPost, whole_request_error};
use crate::capabilities::Capabilities;

/// The most operations one batched request may carry.
pub const MAX_BATCH: usize = 10;

/// Runs a GraphQL request (single or batched) as the caller named by `Authorization: Bearer`.
pub async fn graphql(
    State((caps, schema)): State<(Capabilities, AppSchema)>,
    headers: HeaderMap,
    GraphQLPost { batch, media }: GraphQLPost,
) -> Response {
    let caller = Caller(match bearer(&headers) {
        Some(token) => match caps.tokens.service.verify(token).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "token verification failed");
                None
            }
        },
        None => None,
    });
    // Each operation of a batch counts against the token's rate limit, as it would sent alone.
    let operations = match &batch {
        BatchRequest::Single(_) => 1,
        BatchRequest::Batch(items) => items.len().max(1),
    };
    if let Some(p) = &caller.0
        && let Err(wait) = caps.tokens.rate_limit.check_n(&p.token_id, operations)
    {
        let retry = wait.as_secs_f64().ceil().max(1.0) as u64;
        crate::metrics::graphql_request("rate-limited", "error", 0.0);
        let refused = whole_request_error(crate::error::ApiError::RateLimited { retry_after_seconds: retry });
        return transport::respond(media, StatusCode::OK, refused);
    }
    let operation = operation_name(&batch);
    tracing::Span::current().record("operation", operation.as_str());
    if let BatchRequest::Batch(items) = &batch
        && items.len() > MAX_BATCH
    {
        return transport::respond(media, StatusCode::OK, too_many(items.len()));
    }
    // Each operation is measured by `operation_metric`, under a label from a bounded set.
    // The operations of a batch share one budget of upstream calls.
    let budget = super::upstream_budget::RequestBudget::new(caps.upstream_call_budget);
    let batch = batch.data(caller).data(super::loaders::for_request(caps.db.clone())).data(budget);
    let resp = schema.execute_batch(batch).await;
    transport::respond(media, StatusCode::OK, resp)
}

/// `GET /graphql`: GraphiQL for a browser (or a client that accepts anything and sends no
/// query); a GraphQL error for a client asking for JSON or sending `?query=`.
pub async fn page_or_refusal(headers: HeaderMap, uri: Uri) -> Response {
    let accept = headers.get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let has_query = uri.query().is_some_and(|q| q.split('&').any(|kv| kv.split('=').next() == Some("query")));
    if accept.contains("text/html") || (!has_query && !accept.contains("json")) {
        return crate::http::playground::page().await.into_response();
    }
    transport::get_refusal(&headers, has_query).into_response()
}

/// The operation name for logs and metrics: the one given, else the first field's kind.
fn operation_name(batch: &BatchRequest) -> String {
    let first = match batch {
        BatchRequest::Single(r) => Some(r),
        BatchRequest::Batch(v) => v.first(),
    };
    match first.and_then(|r| r.operation_name.clone()) {
        Some(name) if name.len() <= 100 => name,
        Some(_) => "long-name".to_owned(),
        None if matches!(batch, BatchRequest::Batch(_)) => "batch".to_owned(),
        None => "anonymous".to_owned(),
    }
}

fn too_many(n: usize) -> async_graphql::BatchResponse {
    whole_request_error(crate::error::ApiError::validation(
        "query",
        format!("a batch may hold at most {MAX_BATCH} operations, got {n}"),
        Some("send fewer operations per request"),
    ))
}

pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim()).filter(|t| !t.is_empty())
}
