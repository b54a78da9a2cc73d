//! GraphiQL at `GET /graphql`, with its assets compiled into the binary (no CDN: the machines and
//! many admins are offline), sent gzip-compressed to clients that accept it (the bundle is 3.5 MB,
//! under 1 MB compressed).

use std::io::Write as _;
use std::sync::OnceLock;

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

const PAGE: &str = include_str!("../../assets/playground.html");

/// (name, content type, bytes) of every asset the page loads.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        "application/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
    ),
    ("graphiql.min.css", "text/css; charset=utf-8", include_bytes!("../../assets/graphiql/graphiql.min.css")),
    (
        "react.production.min.js",
        "application/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "application/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
    ("playground.js", "application/javascript; charset=utf-8", include_bytes!("../../assets/playground.js")),
];

pub async fn page() -> impl IntoResponse {
    Html(PAGE)
}

/// Each asset gzip-compressed, once, on first request (a start-up cost only for those who open GraphiQL).
static GZIPPED: [OnceLock<Option<Bytes>>; ASSETS.len()] = [const { OnceLock::new() }; ASSETS.len()];

fn gzip(bytes: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

/// Whether `Accept-Encoding` admits gzip (not refused with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let accept = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or_default();
    accept.split(',').any(|part| {
        let mut it = part.split(';').map(str::trim);
        let coding = it.next().unwrap_or_default();
        let refused =
            it.any(|p| matches!(p.replace(' ', "").as_str(), "q=0" | "q=0." | "q=0.0" | "q=0.00" | "q=0.000"));
        (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
    })
}

pub async fn asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(i) = ASSETS.iter().position(|(n, _, _)| *n == name) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let (_, content_type, bytes) = ASSETS[i];
    let common = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "public, max-age=86400"),
        (header::VARY, "accept-encoding"),
    ];
    if accepts_gzip(&headers)
        && let Some(gz) = GZIPPED[i].get_or_init(|| gzip(bytes))
    {
        return (common, [(header::CONTENT_ENCODING, "gzip")], gz.clone()).into_response();
    }
    (common, bytes).into_response()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn gzip_is_accepted_unless_refused() {
        let with = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(v));
            accepts_gzip(&h)
        };
        assert!(with("gzip, deflate, br"));
        assert!(with("br;q=1.0, gzip;q=0.8"));
        assert!(with("*"));
        assert!(!with("gzip;q=0"));
        assert!(!with("br"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
