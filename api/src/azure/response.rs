//! A read answer before judgement, and one page of a `{count, value}` list.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::error::{AzureError, classify, is_json};
use super::wire::ListEnvelope;

/// Response header carrying the token of the next page.
pub const CONTINUATION_TOKEN_HEADER: &str = "x-ms-continuationtoken";

/// One page of a list: the items, the `count` Azure DevOps reported, and the token of the next page.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub value: Vec<T>,
    pub count: Option<i64>,
    pub continuation_token: Option<String>,
}

/// A finished exchange whose body was read (up to the cap) but not yet judged.
#[derive(Clone, Debug)]
pub struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// `Ok` for a usable 2xx answer, else the classified error.
    pub fn error_for_status(&self) -> Result<(), AzureError> {
        classify(self.status, &self.headers, &self.body)
    }

    /// The body as JSON of type `T`, after [`Self::error_for_status`].
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, AzureError> {
        self.error_for_status()?;
        if !is_json(&self.headers, &self.body) {
            return Err(AzureError::InvalidResponse { reason: "expected json, got another content type".into() });
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| AzureError::InvalidResponse { reason: format!("unexpected json: {e}") })
    }

    /// The `x-ms-continuationtoken` header, when there is a next page.
    pub fn continuation_token(&self) -> Option<String> {
        let token = self.headers.get(CONTINUATION_TOKEN_HEADER)?.to_str().ok()?.trim();
        (!token.is_empty()).then(|| token.to_owned())
    }

    /// A `{count, value}` list with its continuation token.
    pub fn page<T: DeserializeOwned>(&self) -> Result<Page<T>, AzureError> {
        let list: ListEnvelope<T> = self.json()?;
        Ok(Page { value: list.value, count: list.count, continuation_token: self.continuation_token() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{CONTENT_TYPE, HeaderValue};

    #[test]
    fn a_continuation_token_is_read_from_the_header() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTINUATION_TOKEN_HEADER, HeaderValue::from_static("100"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
        let raw = RawResponse { status: StatusCode::OK, headers, body: br#"{"count":1,"value":[1]}"#.to_vec() };
        let page: Page<i32> = raw.page().unwrap();
        assert_eq!(page, Page { value: vec![1], count: Some(1), continuation_token: Some("100".into()) });
    }

    #[test]
    fn html_where_json_is_expected_is_an_invalid_response() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
        let raw = RawResponse { status: StatusCode::OK, headers, body: b"<html></html>".to_vec() };
        assert!(matches!(raw.json::<serde_json::Value>(), Err(AzureError::InvalidResponse { .. })));
    }
}
