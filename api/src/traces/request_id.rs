//! The request id of the HTTP request being served, for spans opened deep inside it (an upstream
//! call made by a resolver): set around each request by [`scope`], read by [`current`].

use std::sync::Arc;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tower_http::request_id::RequestId;

tokio::task_local! {
    static REQUEST_ID: Arc<str>;
}

/// Middleware: runs the rest of the request with its id (set by `http::request_id::set`) at hand.
pub async fn scope(req: Request, next: Next) -> Response {
    let id = req.extensions().get::<RequestId>().and_then(|r| r.header_value().to_str().ok()).map(Arc::<str>::from);
    match id {
        Some(id) => REQUEST_ID.scope(id, next.run(req)).await,
        None => next.run(req).await,
    }
}

/// The id of the request this task serves; `None` in background work (the outbox worker).
pub fn current() -> Option<Arc<str>> {
    REQUEST_ID.try_with(Arc::clone).ok()
}

/// Runs `f` as if serving the request `id` (tests).
pub async fn with<F: std::future::Future>(id: &str, f: F) -> F::Output {
    REQUEST_ID.scope(Arc::from(id), f).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_id_is_seen_inside_its_scope_only() {
        assert!(current().is_none());
        let seen = with("req-1", async { current() }).await;
        assert_eq!(seen.as_deref(), Some("req-1"));
        assert!(current().is_none());
    }
}
