//! `GET /.well-known/openid-configuration` and `GET /.well-known/jwks.json`: the minimal issuer
//! documents Entra ID reads for a federated credential (docs/azure-devops-wire.md §6.4), with the
//! issuer exactly `VCSLINK_PUBLIC_URL` (no trailing slash), as the assertions' `iss`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::signing_keys;
use crate::crypto::Keyring;

/// What the two routes need.
#[derive(Clone)]
pub struct Issuer {
    pub keyring: Arc<Keyring>,
    pub public_url: Arc<str>,
}

fn cached(body: serde_json::Value) -> Response {
    ([(header::CACHE_CONTROL, "public, max-age=300")], Json(body)).into_response()
}

pub async fn discovery(State(issuer): State<Issuer>) -> Response {
    let base = issuer.public_url.trim_end_matches('/');
    cached(serde_json::json!({
        "issuer": base,
        "jwks_uri": format!("{base}/.well-known/jwks.json"),
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

pub async fn jwks(State(issuer): State<Issuer>) -> Response {
    match signing_keys::published(&issuer.keyring) {
        Ok(keys) => cached(serde_json::json!({ "keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>() })),
        Err(error) => {
            tracing::error!(%error, "the signing keys could not be derived");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
