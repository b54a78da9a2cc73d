//! What the webhook route answers Azure DevOps, and the delivery metric, in one place.
//!
//! Azure DevOps retries only 408/502/503/504 and puts a subscription on probation after any other
//! failure (docs `service-hooks/troubleshoot.md`): an authenticated delivery is always stored and
//! answered 200 (one that cannot be used is kept QUARANTINED), every fault of ours and every
//! throttle answers 503 with `Retry-After` (never 500 or 429), 401 means a wrong password or an
//! unknown id, and 410 an unlinked integration.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::ingest::{IngestError, Ingested};

/// Seconds Azure DevOps is asked to wait before retrying after a fault of ours.
const RETRY_AFTER: Duration = Duration::from_secs(5);

impl IntoResponse for Ingested {
    fn into_response(self) -> Response {
        let (Ingested::Stored { kind, .. } | Ingested::Duplicate { kind }) = &self;
        crate::metrics::webhook_delivery(kind.as_str(), self.outcome());
        let text = if matches!(self, Ingested::Duplicate { .. }) { "duplicate" } else { "stored" };
        (StatusCode::OK, text).into_response()
    }
}

impl IntoResponse for IngestError {
    fn into_response(self) -> Response {
        crate::metrics::webhook_delivery("-", self.outcome());
        match self {
            IngestError::RateLimited(wait) => {
                retry_after((StatusCode::SERVICE_UNAVAILABLE, "too many deliveries, retry").into_response(), wait)
            }
            IngestError::Throttled(wait) => {
                let r = (StatusCode::SERVICE_UNAVAILABLE, "too many failed authentications from this address, retry");
                retry_after(r.into_response(), wait)
            }
            IngestError::Unauthorized => {
                let mut r = (StatusCode::UNAUTHORIZED, "wrong or missing webhook password").into_response();
                r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"vcslink\""));
                r
            }
            IngestError::Gone => (StatusCode::GONE, "this integration was unlinked").into_response(),
            IngestError::Unavailable(cause) => {
                // The request's span names the path, hence the integration.
                tracing::warn!(%cause, "webhook delivery not stored; asking for a retry");
                let r = (StatusCode::SERVICE_UNAVAILABLE, "temporarily unavailable, retry").into_response();
                retry_after(r, RETRY_AFTER)
            }
        }
    }
}

fn retry_after(mut r: Response, wait: Duration) -> Response {
    let secs = wait.as_secs().max(1).to_string();
    if let Ok(v) = HeaderValue::from_str(&secs) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::service_hook::EventKind;

    fn status_and_retry(r: Response) -> (u16, Option<String>) {
        let retry = r.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        (r.status().as_u16(), retry)
    }

    #[test]
    fn every_answer_is_one_azure_devops_retries_or_accepts() {
        let stored = Ingested::Stored { delivery_id: "d".into(), kind: EventKind::CodePushed, quarantined: true };
        assert_eq!(status_and_retry(stored.into_response()), (200, None));
        assert_eq!(status_and_retry(Ingested::Duplicate { kind: EventKind::Other }.into_response()), (200, None));
        let throttled = IngestError::RateLimited(Duration::from_millis(300)).into_response();
        assert_eq!(status_and_retry(throttled), (503, Some("1".into())));
        assert_eq!(status_and_retry(IngestError::Unavailable("db".into()).into_response()), (503, Some("5".into())));
        let unauthorized = IngestError::Unauthorized.into_response();
        assert!(unauthorized.headers().contains_key(header::WWW_AUTHENTICATE));
        assert_eq!(unauthorized.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(IngestError::Gone.into_response().status(), StatusCode::GONE);
    }
}
