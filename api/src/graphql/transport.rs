//! GraphQL over HTTP at `/graphql`: what a POST must be (JSON, the request shape, at most
//! [`MAX_BODY`](crate::http::MAX_BODY)), the media type answered, and refusals before any
//! operation runs, shaped as GraphQL errors with a code like every other error.

use async_graphql::BatchRequest;
use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::error::ApiError;
use crate::http::MAX_BODY;

/// The media type of an answer: `application/graphql-response+json` when the client's `Accept`
/// names it, else `application/json` (GraphQL over HTTP, for clients that predate the former).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    Json,
    GraphQLResponseJson,
}

impl Media {
    pub fn of(headers: &HeaderMap) -> Media {
        let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if accept.contains("application/graphql-response+json") { Media::GraphQLResponseJson } else { Media::Json }
    }

    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Media::Json => "application/json",
            Media::GraphQLResponseJson => "application/graphql-response+json",
        })
    }
}

/// A GraphQL answer as HTTP: the JSON body, its media type, and the response's own headers.
pub fn respond(media: Media, status: StatusCode, resp: async_graphql::BatchResponse) -> Response {
    let body = match serde_json::to_vec(&resp) {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "graphql response not serializable");
            br#"{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}"#.to_vec()
        }
    };
    let mut out = Response::new(Body::from(body));
    *out.status_mut() = status;
    out.headers_mut().insert(header::CONTENT_TYPE, media.header());
    if resp.is_ok()
        && let Some(value) = resp.cache_control().value().and_then(|v| HeaderValue::from_str(&v).ok())
    {
        out.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    out.headers_mut().extend(resp.http_headers());
    out
}

/// A whole-request refusal, shaped like any GraphQL error (its code and extensions), with no
/// location: it is about the request, not a place in the query.
pub fn whole_request_error(e: ApiError) -> async_graphql::BatchResponse {
    let err: async_graphql::Error = e.into();
    let mut server = async_graphql::ServerError::new(err.message, None);
    server.extensions = err.extensions;
    async_graphql::BatchResponse::Single(async_graphql::Response::from_errors(vec![server]))
}

/// A request refused before any operation runs.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    pub error: ApiError,
    pub media: Media,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut out = respond(self.media, self.status, whole_request_error(self.error));
        if self.status == StatusCode::METHOD_NOT_ALLOWED {
            out.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        out
    }
}

fn bad(media: Media, message: impl Into<String>, field: Option<&'static str>, hint: &str) -> Refusal {
    Refusal {
        status: StatusCode::BAD_REQUEST,
        error: ApiError::BadRequest { message: message.into(), hint: Some(hint.to_owned()), field },
        media,
    }
}

const SHAPE: &str =
    r#"send {"query": "...", "operationName": "..." (optional), "variables": {...} (optional)}, or a list of those"#;

/// A POSTed GraphQL request (single or batched) and the media type to answer it in.
pub struct GraphQLPost {
    pub batch: BatchRequest,
    pub media: Media,
}

impl<S: Send + Sync> FromRequest<S> for GraphQLPost {
    type Rejection = Refusal;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Refusal> {
        let media = Media::of(req.headers());
        // No content type is taken as JSON (curl, scripts); any other than JSON is refused.
        if let Some(ct) = req.headers().get(header::CONTENT_TYPE) {
            let essence = ct.to_str().unwrap_or_default().split(';').next().unwrap_or_default().trim();
            if !essence.eq_ignore_ascii_case("application/json") {
                let shown: String = essence.chars().take(100).collect();
                return Err(Refusal {
                    status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    error: ApiError::BadRequest {
                        message: format!("content type `{shown}` is not supported here"),
                        hint: Some("send the request as JSON with content-type: application/json".to_owned()),
                        field: None,
                    },
                    media,
                });
            }
        }
        let too_large = Refusal {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            error: ApiError::PayloadTooLarge { limit_bytes: MAX_BODY },
            media,
        };
        let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        if declared.is_some_and(|n| n > MAX_BODY) {
            return Err(too_large);
        }
        let bytes = match axum::body::to_bytes(req.into_body(), MAX_BODY).await {
            Ok(bytes) => bytes,
            Err(e) if is_length_limit(&e) => return Err(too_large),
            Err(e) => {
                tracing::info!(error = %e, "graphql request body unreadable");
                return Err(bad(media, "the request body could not be read", None, "send the whole body"));
            }
        };
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            bad(
                media,
                format!("the body is not JSON: {} at line {}, column {}", what(&e), e.line(), e.column()),
                None,
                SHAPE,
            )
        })?;
        check_shape(&value).map_err(|(message, field)| bad(media, message, field, SHAPE))?;
        let batch = serde_json::from_value::<BatchRequest>(value)
            .map_err(|_| bad(media, "the body is not a GraphQL request", None, SHAPE))?;
        Ok(GraphQLPost { batch, media })
    }
}

/// Whether a body read failed on the size limit (ours, or `RequestBodyLimitLayer`'s in front).
fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.to_string().contains("length limit exceeded") {
            return true;
        }
        source = s.source();
    }
    false
}

/// A JSON syntax error in words that never quote the body (it may hold secrets).
fn what(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Eof => "it ends early",
        _ => "a syntax error",
    }
}

/// Checks each request of the body: an object with a string `query`, an optional string
/// `operationName`, optional object `variables` and `extensions`. Values are never quoted back.
fn check_shape(value: &Value) -> Result<(), (String, Option<&'static str>)> {
    let one = |v: &Value, at: &str| -> Result<(), (String, Option<&'static str>)> {
        let Some(obj) = v.as_object() else {
            return Err((format!("the body{at} is not a JSON object"), None));
        };
        match obj.get("query") {
            Some(Value::String(_)) => {}
            None | Some(Value::Null) => return Err((format!("the request{at} has no `query`"), Some("query"))),
            Some(_) => return Err((format!("`query`{at} must be a string"), Some("query"))),
        }
        if !matches!(obj.get("operationName"), None | Some(Value::Null | Value::String(_))) {
            return Err((format!("`operationName`{at} must be a string or null"), Some("operationName")));
        }
        for (key, field) in [("variables", "variables"), ("extensions", "extensions")] {
            if !matches!(obj.get(key), None | Some(Value::Null | Value::Object(_))) {
                return Err((format!("`{key}`{at} must be a JSON object or null"), Some(field)));
            }
        }
        Ok(())
    };
    match value {
        Value::Array(items) if items.is_empty() => Err(("the batch is empty".to_owned(), None)),
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, v)| one(v, &format!(" (batch item {i})"))),
        v => one(v, ""),
    }
}

/// What `GET /graphql` answers a client that is not a browser: operations are POSTed here.
pub fn get_refusal(headers: &HeaderMap, has_query: bool) -> Refusal {
    let media = Media::of(headers);
    let hint = "POST the operation as JSON to /graphql; GET /graphql serves GraphiQL to browsers";
    if has_query {
        Refusal {
            status: StatusCode::METHOD_NOT_ALLOWED,
            error: ApiError::bad_request("GraphQL operations are not run over GET here", hint),
            media,
        }
    } else {
        bad(media, "a GET request to /graphql without a query", Some("query"), hint)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn request_shapes_are_checked_without_quoting_values() {
        assert!(check_shape(&json!({ "query": "{ a }", "variables": null })).is_ok());
        assert!(check_shape(&json!([{ "query": "{ a }" }, { "query": "{ b }", "operationName": "B" }])).is_ok());
        let (message, field) = check_shape(&json!({ "query": "{ a }", "variables": "secret-value" })).unwrap_err();
        assert_eq!(field, Some("variables"));
        assert!(!message.contains("secret-value"), "{message}");
        assert_eq!(check_shape(&json!({ "variables": {} })).unwrap_err().1, Some("query"));
        assert_eq!(
            check_shape(&json!([{ "query": "{ a }" }, 3])).unwrap_err().0,
            "the body (batch item 1) is not a JSON object"
        );
        assert!(check_shape(&json!([])).is_err());
    }
}
