//! The parsed request every handler reads, and small response builders.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use serde_json::Value;

use crate::model::api_version_in_accept;

/// Characters escaped in URL path segments the fake builds.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Characters escaped in query values the fake builds.
const QUERY: &AsciiSet = &SEGMENT.add(b'&').add(b'=').add(b'+');

pub fn enc(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

pub fn enc_query(value: &str) -> String {
    utf8_percent_encode(value, QUERY).to_string()
}

pub struct Req {
    pub method: Method,
    /// Decoded path as sent.
    pub path: String,
    /// Decoded, non-empty path segments.
    pub segs: Vec<String>,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// A federated client assertion's issuer key set, fetched before the token endpoint runs
    /// (`entra_federation.rs`); `None` otherwise or when the issuer did not serve one.
    pub issuer_jwks: Option<Value>,
}

impl Req {
    pub fn new(method: Method, raw_path: &str, raw_query: Option<&str>, headers: HeaderMap, body: Vec<u8>) -> Req {
        let path = percent_decode_str(raw_path).decode_utf8_lossy().into_owned();
        let segs = raw_path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        let query =
            raw_query.map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default();
        Req { method, path, segs, query, headers, body, issuer_jwks: None }
    }

    /// First query value whose key matches (case-insensitive).
    pub fn q(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
    }

    /// A query value parsed as a number; unparsable values count as absent.
    pub fn q_num(&self, key: &str) -> Option<usize> {
        self.q(key).and_then(|v| v.trim().parse().ok())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn api_version(&self) -> Option<String> {
        self.q("api-version")
            .or_else(|| self.header("accept").and_then(api_version_in_accept))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    pub fn is_read(&self) -> bool {
        self.method == Method::GET || self.method == Method::HEAD
    }

    pub fn json_body(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body).into_owned().collect()
    }
}

/// A JSON answer; the router appends `; api-version=...` to the content type for Azure DevOps routes.
pub fn json(status: StatusCode, value: &Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    with_type(status, "application/json; charset=utf-8", body)
}

pub fn with_type(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    set(&mut r, header::CONTENT_TYPE.as_str(), content_type);
    r
}

pub fn empty(status: StatusCode) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = status;
    r
}

/// Sets (replaces) a header; values that are not valid header text are skipped.
pub fn set(r: &mut Response, name: &str, value: &str) {
    if let (Ok(n), Ok(v)) = (header::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
        r.headers_mut().insert(n, v);
    }
}

/// Adds a header, keeping earlier values of the same name.
pub fn append(r: &mut Response, name: &str, value: &str) {
    if let (Ok(n), Ok(v)) = (header::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
        r.headers_mut().append(n, v);
    }
}

pub fn now_iso() -> String {
    iso(chrono::Utc::now())
}

pub fn iso(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
