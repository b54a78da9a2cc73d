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
