//! `POST /webhooks/azure-devops/{integrationId}`: HTTP Basic, then store, then 200.
//!
//! Azure DevOps retries only 408/502/503/504 and puts a subscription on probation after any other
//! failure, so every fault of ours answers 503 with `Retry-After`, never 500.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::ingest::{self, IngestError, Ingested};
use crate::state::AppState;

/// The largest delivery accepted (the router's body limit answers 413 above it).
pub const MAX_BODY: usize = 1024 * 1024;

/// Seconds Azure DevOps is asked to wait before retrying after a 503.
const RETRY_AFTER_SECONDS: &str = "5";

pub async fn receive(
    State(state): State<AppState>,
    Path(integration_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Azure DevOps retries 503 (not 429, which would put the subscription on probation).
    if let Err(wait) = state.webhook_rate_limit.check(&integration_id) {
        crate::metrics::webhook_delivery("-", "rate_limited");
        let mut r = (StatusCode::SERVICE_UNAVAILABLE, "too many deliveries, retry").into_response();
        let secs = wait.as_secs().max(1).to_string();
        if let Ok(v) = HeaderValue::from_str(&secs) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return r;
    }
    let password = basic_password(&headers);
    match ingest::ingest(&state, &integration_id, password, body).await {
        Ok(Ingested::Stored { .. }) => (StatusCode::OK, "stored").into_response(),
        Ok(Ingested::Duplicate) => (StatusCode::OK, "duplicate").into_response(),
        Err(IngestError::Unauthorized) => {
            crate::metrics::webhook_delivery("-", "unauthorized");
            unauthorized()
        }
        Err(IngestError::Gone) => {
            crate::metrics::webhook_delivery("-", "gone");
            (StatusCode::GONE, "this integration was unlinked").into_response()
        }
        Err(IngestError::Malformed) => {
            crate::metrics::webhook_delivery("-", "malformed");
            (StatusCode::BAD_REQUEST, "the body is not a JSON object").into_response()
        }
        Err(IngestError::TooLarge) => {
            crate::metrics::webhook_delivery("-", "too_large");
            (StatusCode::PAYLOAD_TOO_LARGE, "the body is larger than 1 MiB").into_response()
        }
        Err(IngestError::Unavailable(cause)) => {
            crate::metrics::webhook_delivery("-", "unavailable");
            tracing::warn!(integration_id = %integration_id, %cause, "webhook delivery not stored; asking for a retry");
            let mut r = (StatusCode::SERVICE_UNAVAILABLE, "temporarily unavailable, retry").into_response();
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECONDS));
            r
        }
    }
}

fn unauthorized() -> Response {
    let mut r = (StatusCode::UNAUTHORIZED, "wrong or missing webhook password").into_response();
    r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"vcslink\""));
    r
}

/// The password of `Authorization: Basic base64(user:password)`; the user part is ignored.
fn basic_password(headers: &HeaderMap) -> Option<Zeroizing<String>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = Zeroizing::new(STANDARD.decode(encoded.trim()).ok()?);
    let text = std::str::from_utf8(&decoded).ok()?;
    let (_, password) = text.split_once(':')?;
    Some(Zeroizing::new(password.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_basic_password_ignores_the_user_and_keeps_colons() {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic dXNlcjpwYTpzcw=="));
        assert_eq!(basic_password(&h).as_deref().map(String::as_str), Some("pa:ss"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert!(basic_password(&h).is_none());
    }
}
