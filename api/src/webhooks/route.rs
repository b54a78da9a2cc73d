//! `POST /webhooks/azure-devops/{integrationId}`: the edge ([`super::edge`]: the id's shape, the
//! source address's failure budget), HTTP Basic (checked before the body is read), the
//! integration's bucket, read the body, store, then answer ([`super::answer`] says what and why).

use std::net::SocketAddr;

use axum::Extension;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tracing::Instrument as _;
use zeroize::Zeroizing;

use super::body;
use super::ingest::{self, IngestError, Ingested};
use crate::traces::spans;
use crate::webhooks::Inbox;

pub async fn receive(
    State(state): State<Inbox>,
    Path(integration_id): Path<String>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Ingested, IngestError> {
    let span = spans::webhook_ingest(&integration_id);
    let peer = peer.map(|Extension(ConnectInfo(addr))| addr);
    let result = ingest(state, integration_id, peer, headers, body).instrument(span.clone()).await;
    let (outcome, kind, delivery_id) = match &result {
        Ok(done @ Ingested::Stored { delivery_id, kind, .. }) => {
            (done.outcome(), Some(kind.as_str()), Some(delivery_id.as_str()))
        }
        Ok(done @ Ingested::Duplicate { kind }) => (done.outcome(), Some(kind.as_str()), None),
        Err(e) => (e.outcome(), None, None),
    };
    spans::record_webhook_outcome(&span, outcome, kind, delivery_id);
    result
}

async fn ingest(
    state: Inbox,
    integration_id: String,
    peer: Option<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Result<Ingested, IngestError> {
    let source = state.edge.source(peer, &headers);
    let failed = |e: IngestError| {
        if let (IngestError::Unauthorized, Some(source)) = (&e, source) {
            state.edge.failed(source);
        }
        e
    };
    // Not one of our ids: refused before anything is looked up.
    if uuid::Uuid::parse_str(&integration_id).is_err() {
        return Err(failed(IngestError::Unauthorized));
    }
    let password = basic_password(&headers);
    let known = match source.and_then(|s| state.edge.throttled(s)) {
        // Over its failure budget: only what the cache already vouches for gets in.
        Some(wait) => state
            .known_integrations
            .cached(&integration_id, password.as_deref().map(String::as_str))
            .await
            .ok_or(IngestError::Throttled(wait))?,
        None => ingest::authenticate(&state, &integration_id, password).await.map_err(failed)?,
    };
    state.edge.delivery(&known.integration.id).map_err(IngestError::RateLimited)?;
    let received = body::read(body, state.config.webhook_max_body_bytes)
        .await
        .map_err(|e| IngestError::Unavailable(e.to_string()))?;
    ingest::store(&state, known, received).await
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
        h.insert(header::AUTHORIZATION, axum::http::HeaderValue::from_static("Basic dXNlcjpwYTpzcw=="));
        assert_eq!(basic_password(&h).as_deref().map(String::as_str), Some("pa:ss"));
        h.insert(header::AUTHORIZATION, axum::http::HeaderValue::from_static("Bearer x"));
        assert!(basic_password(&h).is_none());
    }
}
