//! The one HTTP client for Azure DevOps and Entra ID: timeouts, no redirects, SSRF guard, body cap.

use std::sync::Arc;
use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, redirect};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::instrument;
use url::Url;
use zeroize::Zeroizing;

use super::config::AzureConfig;
use super::error::{AzureError, classify, is_json};
use super::guard::{GuardedResolver, check_url};
use super::oauth_http::OAuthHttp;
use super::wire::ListEnvelope;

/// Response header carrying the token of the next page.
pub const CONTINUATION_TOKEN_HEADER: &str = "x-ms-continuationtoken";

/// How a request authenticates. `Debug` never shows the secret.
#[derive(Clone, Debug)]
pub enum Credential {
    /// Personal access token: `Authorization: Basic base64(":" + pat)`.
    Pat(SecretString),
    /// Entra ID access token: `Authorization: Bearer <token>`.
    Bearer(SecretString),
    /// Anonymous.
    None,
}

impl Credential {
    /// The `Authorization` header value, marked sensitive so it is never logged by the stack.
    fn header(&self) -> Result<Option<HeaderValue>, AzureError> {
        let text = match self {
            Credential::Pat(pat) => {
                let basic = Zeroizing::new(format!(":{}", pat.expose_secret()));
                Zeroizing::new(format!("Basic {}", BASE64.encode(basic.as_bytes())))
            }
            Credential::Bearer(token) => {
                Zeroizing::new(format!("Bearer {}", token.expose_secret()))
            }
            Credential::None => return Ok(None),
        };
        let mut value = HeaderValue::from_str(&text).map_err(|_| AzureError::InvalidCredential)?;
        value.set_sensitive(true);
        Ok(Some(value))
    }
}

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
            return Err(AzureError::InvalidResponse {
                reason: "expected json, got another content type".into(),
            });
        }
        serde_json::from_slice(&self.body).map_err(|e| AzureError::InvalidResponse {
            reason: format!("unexpected json: {e}"),
        })
    }

    /// The `x-ms-continuationtoken` header, when there is a next page.
    pub fn continuation_token(&self) -> Option<String> {
        let token = self
            .headers
            .get(CONTINUATION_TOKEN_HEADER)?
            .to_str()
            .ok()?
            .trim();
        (!token.is_empty()).then(|| token.to_owned())
    }

    /// A `{count, value}` list with its continuation token.
    pub fn page<T: DeserializeOwned>(&self) -> Result<Page<T>, AzureError> {
        let list: ListEnvelope<T> = self.json()?;
        Ok(Page {
            value: list.value,
            count: list.count,
            continuation_token: self.continuation_token(),
        })
    }
}

/// One request to send: method, absolute URL, credential and an optional JSON body.
#[derive(Debug)]
pub struct Call<'a> {
    pub method: Method,
    pub url: Url,
    pub credential: &'a Credential,
    pub json_body: Option<Vec<u8>>,
}

impl<'a> Call<'a> {
    pub fn get(url: Url, credential: &'a Credential) -> Self {
        Call {
            method: Method::GET,
            url,
            credential,
            json_body: None,
        }
    }

    pub fn post_json<B: Serialize>(
        url: Url,
        credential: &'a Credential,
        body: &B,
    ) -> Result<Self, AzureError> {
        let json = serde_json::to_vec(body).map_err(|e| AzureError::InvalidResponse {
            reason: format!("could not encode the request: {e}"),
        })?;
        Ok(Call {
            method: Method::POST,
            url,
            credential,
            json_body: Some(json),
        })
    }
}

/// `{base}/{path}?{query}`; `base` is an organization URL without a trailing slash (one is tolerated).
pub fn api_url(base: &Url, path: &str, query: &[(&str, &str)]) -> Result<Url, AzureError> {
    let joined = format!(
        "{}/{}",
        base.as_str().trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    let mut url = Url::parse(&joined).map_err(|e| AzureError::InvalidUrl {
        reason: e.to_string(),
    })?;
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    Ok(url)
}

/// Could not build the HTTP client (TLS backend initialisation).
#[derive(Debug, thiserror::Error)]
#[error("could not build the http client")]
pub struct ClientBuildError(#[source] reqwest::Error);

/// The process-wide Azure DevOps client. Cheap to clone: clones share one connection pool.
#[derive(Clone, Debug)]
pub struct AzureClient {
    http: reqwest::Client,
    config: Arc<AzureConfig>,
}

impl AzureClient {
    pub fn new(config: AzureConfig) -> Result<AzureClient, ClientBuildError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(redirect::Policy::none())
            .user_agent(config.user_agent.clone())
            .dns_resolver(GuardedResolver::new(config.allow_private_upstreams))
            // A proxy would resolve names itself, past the guarded resolver.
            .no_proxy()
            .https_only(!config.allow_private_upstreams)
            .build()
            .map_err(ClientBuildError)?;
        Ok(AzureClient {
            http,
            config: Arc::new(config),
        })
    }

    pub fn config(&self) -> &AzureConfig {
        &self.config
    }

    /// An oauth2 HTTP client over the same connection pool, guard and limits.
    pub fn oauth_http(&self) -> OAuthHttp {
        OAuthHttp::new(
            self.http.clone(),
            self.config.allow_private_upstreams,
            self.config.max_body_bytes,
        )
    }

    /// Sends `call` and reads the body (up to `max_body_bytes`). Fails only for transport,
    /// guard and size problems; the status is judged by the caller ([`RawResponse::json`]).
    #[instrument(skip_all, fields(method = %call.method, host = call.url.host_str().unwrap_or(""), path = call.url.path()))]
    pub async fn send(&self, call: Call<'_>) -> Result<RawResponse, AzureError> {
        check_url(&call.url, self.config.allow_private_upstreams)?;
        let mut request = self
            .http
            .request(call.method, call.url)
            .header("X-TFS-FedAuthRedirect", "Suppress")
            .header(ACCEPT, "application/json");
        if let Some(auth) = call.credential.header()? {
            request = request.header(AUTHORIZATION, auth);
        }
        if let Some(body) = call.json_body {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        let started = Instant::now();
        let response = request.send().await.map_err(|e| {
            let error = AzureError::from_transport(&e);
            tracing::debug!(error = %error, "request failed");
            error
        })?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = read_capped(response, self.config.max_body_bytes).await?;
        tracing::debug!(
            status = status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "answered"
        );
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }

    /// `GET {base}/{path}?{query}` as JSON.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        base: &Url,
        path: &str,
        query: &[(&str, &str)],
        credential: &Credential,
    ) -> Result<T, AzureError> {
        let url = api_url(base, path, query)?;
        self.send(Call::get(url, credential)).await?.json()
    }

    /// `GET {base}/{path}?{query}` as one page of a `{count, value}` list.
    pub async fn get_page<T: DeserializeOwned>(
        &self,
        base: &Url,
        path: &str,
        query: &[(&str, &str)],
        credential: &Credential,
    ) -> Result<Page<T>, AzureError> {
        let url = api_url(base, path, query)?;
        self.send(Call::get(url, credential)).await?.page()
    }

    /// `POST {base}/{path}?{query}` with a JSON body, answer as JSON.
    pub async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        base: &Url,
        path: &str,
        query: &[(&str, &str)],
        credential: &Credential,
        body: &B,
    ) -> Result<T, AzureError> {
        let url = api_url(base, path, query)?;
        self.send(Call::post_json(url, credential, body)?)
            .await?
            .json()
    }
}

/// Reads a body chunk by chunk and stops as soon as it passes `cap` bytes.
pub(super) async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Vec<u8>, AzureError> {
    let too_large = || AzureError::InvalidResponse {
        reason: format!("the answer is larger than {cap} bytes"),
    };
    if response
        .content_length()
        .is_some_and(|len| len > cap as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| AzureError::from_transport(&e))?
    {
        if body.len() + chunk.len() > cap {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pat_becomes_basic_auth_with_an_empty_user() {
        let header = Credential::Pat(SecretString::from("s3cr3tpat"))
            .header()
            .unwrap()
            .unwrap();
        assert_eq!(header.to_str().unwrap(), "Basic OnMzY3IzdHBhdA==");
        assert!(header.is_sensitive());
        let bearer = Credential::Bearer(SecretString::from("eyJ0"))
            .header()
            .unwrap()
            .unwrap();
        assert_eq!(bearer.to_str().unwrap(), "Bearer eyJ0");
        assert!(Credential::None.header().unwrap().is_none());
    }

    #[test]
    fn a_credential_with_a_newline_is_refused_without_echoing_it() {
        let error = Credential::Bearer(SecretString::from("abc\ndef"))
            .header()
            .unwrap_err();
        assert_eq!(error, AzureError::InvalidCredential);
        assert!(!error.to_string().contains("abc"));
        assert!(
            !format!("{:?}", Credential::Pat(SecretString::from("hunter2"))).contains("hunter2")
        );
    }

    #[test]
    fn api_urls_join_the_base_and_encode_the_query() {
        let base = Url::parse("https://dev.azure.com/contoso").unwrap();
        let url = api_url(
            &base,
            "/_apis/projects",
            &[("$top", "1"), ("api-version", "7.1")],
        )
        .unwrap();
        assert_eq!(
            url.as_str(),
            "https://dev.azure.com/contoso/_apis/projects?%24top=1&api-version=7.1"
        );
        let slash = Url::parse("https://ado.example.com/DefaultCollection/").unwrap();
        let url = api_url(&slash, "_apis/connectionData", &[]).unwrap();
        assert_eq!(
            url.as_str(),
            "https://ado.example.com/DefaultCollection/_apis/connectionData"
        );
    }

    #[test]
    fn a_continuation_token_is_read_from_the_header() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTINUATION_TOKEN_HEADER, HeaderValue::from_static("100"));
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        let raw = RawResponse {
            status: StatusCode::OK,
            headers,
            body: br#"{"count":1,"value":[1]}"#.to_vec(),
        };
        let page: Page<i32> = raw.page().unwrap();
        assert_eq!(
            page,
            Page {
                value: vec![1],
                count: Some(1),
                continuation_token: Some("100".into())
            }
        );
    }

    #[test]
    fn html_where_json_is_expected_is_an_invalid_response() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
        let raw = RawResponse {
            status: StatusCode::OK,
            headers,
            body: b"<html></html>".to_vec(),
        };
        assert!(matches!(
            raw.json::<serde_json::Value>(),
            Err(AzureError::InvalidResponse { .. })
        ));
    }
}
