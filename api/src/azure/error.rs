//! What can go wrong talking to Azure DevOps, and how an HTTP answer maps onto it.
//!
//! Messages never carry a credential: they come from the Azure DevOps error envelope, from
//! fixed text, or from transport errors stripped of their URL.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};

use super::guard::GuardError;
use super::wire::ErrorEnvelope;

/// One failed call to Azure DevOps (or Entra ID), classified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AzureError {
    /// 401, or 203 with the HTML sign-in page: the credential is missing or unusable.
    #[error("azure devops rejected the credential{}", if *expired { " (expired)" } else { "" })]
    Unauthorized { expired: bool },
    /// 401 from IIS itself on Azure DevOps Server, whose Basic authentication is on: it offers
    /// only Basic/Negotiate/NTLM (no Azure DevOps `Bearer`) with IIS's HTML page, and no PAT
    /// gets through (docs/azure-devops-wire.md §2.3, docs `iis-basic-auth.md`).
    #[error("azure devops server refused the credential at IIS, whose basic authentication is on")]
    IisBasicAuth,
    /// 403: the identity lacks a permission (an ACL, e.g. TF401027 for Git). A missing PAT
    /// scope is a 401 instead (docs/azure-devops-wire.md §2.3).
    #[error("azure devops refused the request: {message}")]
    Forbidden { message: String },
    /// 404: the organization, project or resource does not exist or is not visible.
    #[error("not found: {message}")]
    NotFound { message: String },
    /// 429: throttled; `Retry-After` when sent.
    #[error("rate limited by azure devops")]
    RateLimited { retry_after: Option<Duration> },
    /// 400 `VssVersionOutOfRangeException`: the server is older than the api-version sent.
    #[error("api-version out of range (latest supported: {})", latest.as_deref().unwrap_or("unknown"))]
    VersionOutOfRange { latest: Option<String> },
    /// Any other 3xx/4xx/5xx, with the envelope's message when there is one.
    #[error("azure devops answered http {status}: {message}")]
    Upstream { status: u16, message: String },
    /// The host does not resolve (DNS says no such name).
    #[error("unknown host {host}")]
    UnknownHost { host: String },
    /// Connection refused or reset, TLS failure, timeout, temporary DNS failure.
    #[error("azure devops is unreachable: {reason}")]
    Unreachable { reason: String },
    /// Refused by the SSRF guard before any connection.
    #[error("upstream blocked: {reason}")]
    Blocked { reason: String },
    /// HTML where JSON was expected, JSON of the wrong shape, or a body over the size cap.
    #[error("invalid response from azure devops: {reason}")]
    InvalidResponse { reason: String },
    /// The URL to call cannot be built from the given base.
    #[error("invalid upstream url: {reason}")]
    InvalidUrl { reason: String },
    /// The credential cannot be put in a header (control characters). Says nothing of its value.
    #[error("the credential contains characters that cannot be sent in an http header")]
    InvalidCredential,
}

/// Longest upstream message kept in an error, in characters.
const MAX_MESSAGE_CHARS: usize = 500;
/// Text Azure DevOps uses for an expired personal access token.
const EXPIRED_MARKER: &str = "has expired";
/// The name of the header Azure DevOps uses to say why a request failed (URL-encoded).
const SERVICE_ERROR_HEADER: &str = "x-tfs-serviceerror";

impl AzureError {
    /// Maps a reqwest transport error. Guard and DNS refusals raised inside the resolver come
    /// back wrapped; they are found by walking the source chain.
    pub fn from_transport(error: &reqwest::Error) -> AzureError {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(e) = source {
            if let Some(guard) = e.downcast_ref::<GuardError>() {
                return AzureError::from(guard.clone());
            }
            source = e.source();
        }
        if error.is_timeout() {
            return AzureError::Unreachable { reason: "the request timed out".into() };
        }
        if error.is_connect() {
            return AzureError::Unreachable { reason: "could not connect".into() };
        }
        if error.is_decode() || error.is_body() {
            return AzureError::Unreachable { reason: "the connection broke while reading the answer".into() };
        }
        AzureError::Unreachable { reason: error.to_string_without_url() }
    }
}

/// reqwest's `Display` includes the URL; ours must not depend on what a URL holds.
trait WithoutUrl {
    fn to_string_without_url(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn to_string_without_url(&self) -> String {
        let mut text = String::from("request failed");
        let mut source = std::error::Error::source(self);
        while let Some(e) = source {
            text = e.to_string();
            source = e.source();
        }
        truncate(&text)
    }
}

impl From<GuardError> for AzureError {
    fn from(e: GuardError) -> Self {
        match e {
            GuardError::UnknownHost { host } => AzureError::UnknownHost { host },
            GuardError::ResolveFailed { .. } => AzureError::Unreachable { reason: e.to_string() },
            other => AzureError::Blocked { reason: other.to_string() },
        }
    }
}

/// Classifies a finished HTTP exchange: `Ok` for a usable 2xx answer, else the error.
pub fn classify(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Result<(), AzureError> {
    if status == StatusCode::NON_AUTHORITATIVE_INFORMATION && !is_json(headers, body) {
        // Azure DevOps answers 203 + its HTML sign-in page when it cannot use the credential.
        return Err(AzureError::Unauthorized { expired: says_expired(headers, body) });
    }
    if status.is_success() {
        return Ok(());
    }
    let envelope = ErrorEnvelope::parse(body);
    let message = envelope.as_ref().and_then(|e| e.message.clone()).or_else(|| plain_text(headers, body));
    let message = message.map(|m| truncate(&m));
    let message_or_reason = || message.clone().unwrap_or_else(|| reason_phrase(status));
    Err(match status {
        StatusCode::UNAUTHORIZED if is_iis_basic_challenge(headers, body) => AzureError::IisBasicAuth,
        StatusCode::UNAUTHORIZED => AzureError::Unauthorized { expired: says_expired(headers, body) },
        StatusCode::FORBIDDEN if says_expired(headers, body) => AzureError::Unauthorized { expired: true },
        StatusCode::FORBIDDEN => AzureError::Forbidden { message: message_or_reason() },
        StatusCode::NOT_FOUND => AzureError::NotFound { message: message_or_reason() },
        StatusCode::TOO_MANY_REQUESTS => AzureError::RateLimited { retry_after: retry_after(headers) },
        StatusCode::BAD_REQUEST
            if envelope.as_ref().and_then(|e| e.type_key.as_deref()) == Some("VssVersionOutOfRangeException") =>
        {
            AzureError::VersionOutOfRange { latest: message.as_deref().and_then(latest_api_version) }
        }
        s if s.is_redirection() => AzureError::Upstream {
            status: s.as_u16(),
            message: "azure devops answered with a redirect, which is not followed".into(),
        },
        s => AzureError::Upstream { status: s.as_u16(), message: message_or_reason() },
    })
}

/// A `text/plain` body is the message itself (docs/azure-devops-wire.md §2.4).
fn plain_text(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    let ct = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok())?.to_ascii_lowercase();
    if !ct.starts_with("text/plain") {
        return None;
    }
    let text = String::from_utf8_lossy(body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)).trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// IIS's own 401 (Basic authentication on): `WWW-Authenticate` offers Basic, Negotiate or NTLM
/// but not Azure DevOps' `Bearer`/`TFS-Federated`, and the body is IIS's HTML page.
fn is_iis_basic_challenge(headers: &HeaderMap, body: &[u8]) -> bool {
    let schemes: Vec<String> = headers
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.split_whitespace().next().map(str::to_ascii_lowercase))
        .filter(|scheme| !scheme.contains('='))
        .collect();
    let offered = |s: &str| schemes.iter().any(|x| x == s);
    let iis_page = String::from_utf8_lossy(body).contains("401 - Unauthorized: Access is denied");
    offered("basic") && !offered("bearer") && !offered("tfs-federated") && iis_page
}

fn reason_phrase(status: StatusCode) -> String {
    status.canonical_reason().unwrap_or("unexpected status").to_ascii_lowercase()
}

/// True when the answer says it is JSON (`application/json`, any parameters).
pub fn is_json(headers: &HeaderMap, body: &[u8]) -> bool {
    match headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
        Some(ct) => ct.to_ascii_lowercase().contains("json"),
        // No content type: sniff; HTML starts with '<'.
        None => body.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|b| *b == b'{' || *b == b'['),
    }
}

/// An expired PAT is named in `X-TFS-ServiceError` (URL-encoded) or in the JSON `message`.
fn says_expired(headers: &HeaderMap, body: &[u8]) -> bool {
    let in_header = headers
        .get(SERVICE_ERROR_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(url_decode)
        .is_some_and(|text| text.to_ascii_lowercase().contains(EXPIRED_MARKER));
    let in_body = ErrorEnvelope::parse(body)
        .and_then(|e| e.message)
        .is_some_and(|m| m.to_ascii_lowercase().contains(EXPIRED_MARKER));
    in_header || in_body
}

/// Decodes `%XX` and `+` (both forms appear in `X-TFS-ServiceError`).
fn url_decode(s: &str) -> String {
    let escaped = format!("x={}", s.replace('&', "%26"));
    url::form_urlencoded::parse(escaped.as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// The longest `Retry-After` taken as given; a larger (or hostile) value is read as this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);

/// `Retry-After` in seconds (Azure DevOps sends seconds, never an HTTP date), at most
/// [`MAX_RETRY_AFTER`].
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let seconds: f64 = value.parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0)
        .then(|| Duration::from_secs_f64(seconds.ceil().min(MAX_RETRY_AFTER.as_secs_f64())))
}

/// Pulls "7.0" out of "... The latest REST API version this server supports is 7.0."
pub fn latest_api_version(message: &str) -> Option<String> {
    const MARKER: &str = "this server supports is ";
    let lower = message.to_ascii_lowercase();
    let start = lower.find(MARKER)? + MARKER.len();
    let version: String =
        message[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-').collect();
    let version = version.trim_end_matches('.');
    (!version.is_empty() && version.starts_with(|c: char| c.is_ascii_digit())).then(|| version.to_owned())
}

fn truncate(s: &str) -> String {
    if s.chars().count() <= MAX_MESSAGE_CHARS {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(MAX_MESSAGE_CHARS).collect();
    t.push('…');
    t
}

#[cfg(test)]
mod tests {
    //! Unit tests of `classify` and the helpers in `error.rs`: one per row of the mapping.

    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    const JSON: (&str, &str) = ("content-type", "application/json; charset=utf-8; api-version=7.1");
    const HTML: (&str, &str) = ("content-type", "text/html; charset=utf-8");

    #[test]
    fn a_203_sign_in_page_is_unauthorized() {
        let body = b"<html><head><title>Azure DevOps Services | Sign In</title></head></html>";
        let got = classify(StatusCode::NON_AUTHORITATIVE_INFORMATION, &headers(&[HTML]), body);
        assert_eq!(got, Err(AzureError::Unauthorized { expired: false }));
    }

    #[test]
    fn a_401_is_unauthorized_and_an_expired_pat_is_recognised_from_the_header() {
        let plain = classify(StatusCode::UNAUTHORIZED, &headers(&[]), b"");
        assert_eq!(plain, Err(AzureError::Unauthorized { expired: false }));
        let h = headers(&[(
            "x-tfs-serviceerror",
            "Access%20Denied%3A%20The%20Personal%20Access%20Token%20used%20has%20expired.",
        )]);
        assert_eq!(classify(StatusCode::UNAUTHORIZED, &h, b""), Err(AzureError::Unauthorized { expired: true }));
    }

    #[test]
    fn an_expired_pat_is_recognised_from_the_json_message() {
        let body = br#"{"$id":"1","customProperties":{"Descriptor":null},"innerException":null,"message":"Access Denied: The Personal Access Token used has expired.","typeName":"Microsoft.VisualStudio.Services.Security.AccessCheckException, Microsoft.VisualStudio.Services.WebApi","typeKey":"AccessCheckException","errorCode":0,"eventId":3000}"#;
        let got = classify(StatusCode::UNAUTHORIZED, &headers(&[JSON]), body);
        assert_eq!(got, Err(AzureError::Unauthorized { expired: true }));
    }

    #[test]
    fn a_403_carries_the_envelope_message() {
        let body = br#"{"$id":"1","innerException":null,"message":"TF401027: You need the Git 'GenericContribute' permission to perform this action.","typeName":"x","typeKey":"GitNeedsPermissionException","errorCode":0,"eventId":3000}"#;
        let got = classify(StatusCode::FORBIDDEN, &headers(&[JSON]), body);
        assert!(matches!(got, Err(AzureError::Forbidden { message }) if message.starts_with("TF401027")));
    }

    #[test]
    fn a_404_without_a_body_is_not_found() {
        let got = classify(StatusCode::NOT_FOUND, &headers(&[HTML]), b"<html>The resource cannot be found.</html>");
        assert_eq!(got, Err(AzureError::NotFound { message: "not found".into() }));
    }

    #[test]
    fn a_hostile_retry_after_is_capped_never_a_panic() {
        for value in ["1e30", "18446744073709551616", "1.7976931348623157e308", "99999999999"] {
            assert_eq!(retry_after(&headers(&[("retry-after", value)])), Some(MAX_RETRY_AFTER), "{value}");
        }
        for value in ["-1", "NaN", "inf", "soon"] {
            assert_eq!(retry_after(&headers(&[("retry-after", value)])), None, "{value}");
        }
    }

    #[test]
    fn a_429_reads_retry_after_in_seconds() {
        let got = classify(StatusCode::TOO_MANY_REQUESTS, &headers(&[("retry-after", "30")]), b"");
        assert_eq!(got, Err(AzureError::RateLimited { retry_after: Some(Duration::from_secs(30)) }));
        let none = classify(StatusCode::TOO_MANY_REQUESTS, &headers(&[]), b"");
        assert_eq!(none, Err(AzureError::RateLimited { retry_after: None }));
    }

    #[test]
    fn version_out_of_range_yields_the_latest_supported_version() {
        let body = br#"{"$id":"1","innerException":null,"message":"The requested REST API version of 7.1 is out of range for this server. The latest REST API version this server supports is 7.0.","typeName":"Microsoft.VisualStudio.Services.WebApi.VssVersionOutOfRangeException, Microsoft.VisualStudio.Services.WebApi","typeKey":"VssVersionOutOfRangeException","errorCode":0,"eventId":3000}"#;
        let got = classify(StatusCode::BAD_REQUEST, &headers(&[JSON]), body);
        assert_eq!(got, Err(AzureError::VersionOutOfRange { latest: Some("7.0".into()) }));
    }

    #[test]
    fn other_statuses_are_upstream_errors_and_redirects_are_not_followed() {
        let got = classify(StatusCode::INTERNAL_SERVER_ERROR, &headers(&[]), b"");
        assert_eq!(got, Err(AzureError::Upstream { status: 500, message: "internal server error".into() }));
        let redirect = classify(StatusCode::FOUND, &headers(&[("location", "http://169.254.169.254/")]), b"");
        assert!(matches!(redirect, Err(AzureError::Upstream { status: 302, .. })));
    }

    #[test]
    fn a_text_plain_body_is_the_message() {
        let got = classify(StatusCode::BAD_REQUEST, &headers(&[("content-type", "text/plain")]), b"Bad ref name\r\n");
        assert_eq!(got, Err(AzureError::Upstream { status: 400, message: "Bad ref name".into() }));
    }

    #[test]
    fn an_iis_basic_challenge_is_told_from_an_azure_devops_one() {
        let page = b"<html><title>401 - Unauthorized: Access is denied due to invalid credentials.</title></html>";
        let mut iis = headers(&[HTML]);
        iis.append("www-authenticate", HeaderValue::from_static("Negotiate"));
        iis.append("www-authenticate", HeaderValue::from_static("NTLM"));
        iis.append("www-authenticate", HeaderValue::from_static("Basic realm=\"ado.example.com\""));
        assert_eq!(classify(StatusCode::UNAUTHORIZED, &iis, page), Err(AzureError::IisBasicAuth));
        let mut ado = iis.clone();
        ado.append("www-authenticate", HeaderValue::from_static("Bearer"));
        assert_eq!(classify(StatusCode::UNAUTHORIZED, &ado, page), Err(AzureError::Unauthorized { expired: false }));
    }

    #[test]
    fn a_2xx_is_ok() {
        assert_eq!(classify(StatusCode::OK, &headers(&[JSON]), b"{}"), Ok(()));
        assert_eq!(classify(StatusCode::NO_CONTENT, &headers(&[]), b""), Ok(()));
    }

    #[test]
    fn latest_api_version_parsing_handles_previews_and_garbage() {
        assert_eq!(latest_api_version("... this server supports is 6.0-preview."), Some("6.0-preview".into()));
        assert_eq!(latest_api_version("something else"), None);
    }

    #[test]
    fn long_upstream_messages_are_truncated() {
        let long = "x".repeat(2000);
        assert_eq!(truncate(&long).chars().count(), MAX_MESSAGE_CHARS + 1);
    }
}
