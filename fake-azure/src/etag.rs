//! Optional ETags: a JSON GET answer carries a weak ETag of its body; `If-None-Match` with the
//! same tag gets 304 Not Modified and no body.

use axum::body::{Body, to_bytes};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;
use sha2::{Digest, Sha256};

use crate::FakeAzure;
use crate::http::Req;

impl FakeAzure {
    /// Turns ETags and conditional GETs on or off (off by default).
    pub fn set_etags(&self, on: bool) {
        self.shared().lock().etags = on;
    }
}

pub async fn conditional(resp: Response, req: &Req) -> Response {
    if req.method != Method::GET || resp.status() != StatusCode::OK {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, 64 * 1024 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let tag = format!("W/\"{}\"", hex(&Sha256::digest(&bytes)[..12]));
    if req.header("if-none-match").is_some_and(|v| v == tag) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove("content-length");
        if let Ok(v) = HeaderValue::from_str(&tag) {
            parts.headers.insert("etag", v);
        }
        return Response::from_parts(parts, Body::empty());
    }
    if let Ok(v) = HeaderValue::from_str(&tag) {
        parts.headers.insert("etag", v);
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
