//! `POST /webhooks/azure-devops/{integrationId}`: HTTP Basic, then read the body, store, then 200.
//!
//! Azure DevOps retries only 408/502/503/504 and puts a subscription on probation after any other
//! failure (docs `service-hooks/troubleshoot.md`), so an authenticated
//! delivery is always stored and acknowledged (one that cannot be used is kept QUARANTINED), every
//! fault of ours answers 503 with `Retry-After`, never 500, 401 means a wrong password or an
//! unknown id, and 410 an unlinked integration. The password is checked before the body is read.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::body;
use super::ingest::{self, IngestError, Ingested};
use crate::state::AppState;

/// Seconds Azure DevOps is asked to wait before retrying after a 503.
const RETRY_AFTER_SECONDS: &str = "5";

pub async fn receive(
    State(state): State<AppState>,
    Path(integration_id): Path<String>,
    headers: HeaderMap,
    body: Body,
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
    let stored = async {
        let known = ingest::authenticate(&state, &integration_id, password).await?;
        let received = body::read(body, state.config.webhook_max_body_bytes)
            .await
            .map_err(|e| IngestError::Unavailable(e.to_string()))?;
        ingest::store(&state, known, received).await
    };
    match stored.await {
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
