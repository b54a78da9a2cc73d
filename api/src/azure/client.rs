//! The one HTTP client for Azure DevOps and Entra ID: timeouts, no redirects, SSRF guard, body cap.

use std::sync::Arc;
use std::time::Instant;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, redirect};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::{Instrument as _, instrument};
use url::Url;

use super::config::AzureConfig;
pub use super::credential::Credential;
use super::error::AzureError;
use super::guard::{GuardedResolver, check_url};
use super::oauth_http::OAuthHttp;
use super::pacing::{Pacer, identity_key};
pub use super::response::{CONTINUATION_TOKEN_HEADER, Page, RawResponse};

/// One request to send: method, absolute URL, credential and an optional JSON body.
#[derive(Debug)]
pub struct Call<'a> {
    pub method: Method,
    pub url: Url,
    pub credential: &'a Credential,
    pub json_body: Option<Vec<u8>>,
    /// An ETag from an earlier answer: Azure DevOps may then answer 304 Not Modified.
    pub if_none_match: Option<String>,
    /// The body's media type when not `application/json` (work item patches: `application/json-patch+json`).
    pub content_type: Option<&'static str>,
}

impl<'a> Call<'a> {
    pub fn get(url: Url, credential: &'a Credential) -> Self {
        Call { method: Method::GET, url, credential, json_body: None, if_none_match: None, content_type: None }
    }

    pub fn post_json<B: Serialize>(url: Url, credential: &'a Credential, body: &B) -> Result<Self, AzureError> {
        let json = serde_json::to_vec(body)
            .map_err(|e| AzureError::InvalidResponse { reason: format!("could not encode the request: {e}") })?;
        Ok(Call {
            method: Method::POST,
            url,
            credential,
            json_body: Some(json),
            if_none_match: None,
            content_type: None,
        })
    }

    /// A body-less call with any method (e.g. `DELETE`).
    pub fn bare(method: Method, url: Url, credential: &'a Credential) -> Self {
        Call { method, ..Call::get(url, credential) }
    }
}

/// The longest pause taken before a call because of earlier pacing headers; a longer one is
/// answered at once as [`AzureError::RateLimited`] with the time left, without calling.
const MAX_PACING_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// `{base}/{path}?{query}`; `base` is an organization URL without a trailing slash (one is tolerated).
pub fn api_url(base: &Url, path: &str, query: &[(&str, &str)]) -> Result<Url, AzureError> {
    let joined = format!("{}/{}", base.as_str().trim_end_matches('/'), path.trim_start_matches('/'));
    let mut url = Url::parse(&joined).map_err(|e| AzureError::InvalidUrl { reason: e.to_string() })?;
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
    pacer: Pacer,
    /// Organizations' resource tenants, discovered anonymously (see `tenant.rs`).
    tenants: super::tenant::TenantCache,
    /// Entra tenants' ID token signing keys (see `id_token.rs`).
    signing_keys: super::id_token::SigningKeyCache,
    /// App identities' access tokens (see `app_token.rs`).
    app_tokens: super::app_token::AppTokenCache,
    /// For the managed identity endpoint only: no proxy, no redirects, no SSRF guard (the
    /// endpoint is operator configuration, typically link-local IMDS over http).
    managed_identity_http: reqwest::Client,
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
        let managed_identity_http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(redirect::Policy::none())
            .no_proxy()
            .build()
            .map_err(ClientBuildError)?;
        Ok(AzureClient {
            managed_identity_http,
            http,
            config: Arc::new(config),
            pacer: Pacer::default(),
            tenants: Default::default(),
            signing_keys: Default::default(),
            app_tokens: Default::default(),
        })
    }

    pub fn config(&self) -> &AzureConfig {
        &self.config
    }

    /// The cache of organizations' resource tenants.
    pub fn tenants(&self) -> &super::tenant::TenantCache {
        &self.tenants
    }

    /// The cache of Entra tenants' ID token signing keys.
    pub fn signing_keys(&self) -> &super::id_token::SigningKeyCache {
        &self.signing_keys
    }

    /// The cache of app identities' access tokens.
    pub fn app_tokens(&self) -> &super::app_token::AppTokenCache {
        &self.app_tokens
    }

    /// The client for the managed identity endpoint (see the field).
    pub fn managed_identity_http(&self) -> &reqwest::Client {
        &self.managed_identity_http
    }

    /// An oauth2 HTTP client over the same connection pool, guard and limits.
    pub fn oauth_http(&self) -> OAuthHttp {
        OAuthHttp::new(self.http.clone(), self.config.allow_private_upstreams, self.config.max_body_bytes)
    }

    /// Sends `call` and reads the body (up to `max_body_bytes`). Fails only for transport,
    /// guard, size and pacing problems; the status is judged by the caller ([`RawResponse::json`]).
    /// An identity that an earlier answer asked to slow down (`Retry-After`, `X-RateLimit-*`,
    /// on a 200 too) waits first (see `pacing.rs`).
    #[instrument(skip_all, fields(method = %call.method, host = call.url.host_str().unwrap_or(""), path = call.url.path()))]
    pub async fn send(&self, call: Call<'_>) -> Result<RawResponse, AzureError> {
        let span = crate::traces::spans::upstream_request(call.method.as_str(), &call.url);
        self.send_traced(call, &span).instrument(span.clone()).await
    }

    async fn send_traced(&self, call: Call<'_>, span: &tracing::Span) -> Result<RawResponse, AzureError> {
        check_url(&call.url, self.config.allow_private_upstreams)?;
        let endpoint = crate::metrics::endpoint_of(call.url.path());
        let mut request = self
            .http
            .request(call.method, call.url)
            .header("X-TFS-FedAuthRedirect", "Suppress")
            .header(ACCEPT, "application/json");
        let auth = call.credential.header()?;
        let identity = identity_key(auth.as_ref());
        if let Some(wait) = identity.as_ref().and_then(|k| self.pacer.wait(k)) {
            if wait > MAX_PACING_WAIT {
                return Err(AzureError::RateLimited { retry_after: Some(wait) });
            }
            tracing::debug!(wait_ms = wait.as_millis() as u64, "pacing as Azure DevOps asked");
            tokio::time::sleep(wait).await;
        }
        if let Some(auth) = auth {
            request = request.header(AUTHORIZATION, auth);
        }
        if let Some(etag) = &call.if_none_match {
            request = request.header(reqwest::header::IF_NONE_MATCH, etag);
        }
        if let Some(body) = call.json_body {
            request = request.header(CONTENT_TYPE, call.content_type.unwrap_or("application/json")).body(body);
        }
        let started = Instant::now();
        let response = request.send().await.map_err(|e| {
            let error = AzureError::from_transport(&e);
            crate::traces::spans::record_upstream_failure(span, transport_kind(&e));
            tracing::debug!(error = %error, "request failed");
            crate::metrics::upstream_request(endpoint.clone(), "error".into(), started.elapsed().as_secs_f64());
            error
        })?;
        crate::metrics::upstream_request(
            endpoint,
            response.status().as_u16().to_string(),
            started.elapsed().as_secs_f64(),
        );
        let status = response.status();
        let headers = response.headers().clone();
        crate::traces::spans::record_upstream_answer(span, status.as_u16(), &headers);
        // A 429 is handed back with its Retry-After; pacing is for answers that still served us.
        if let Some(key) = identity.as_ref().filter(|_| status != reqwest::StatusCode::TOO_MANY_REQUESTS) {
            self.pacer.observe(key, &headers);
        }
        let body = read_capped(response, self.config.max_body_bytes).await?;
        tracing::debug!(status = status.as_u16(), elapsed_ms = started.elapsed().as_millis() as u64, "answered");
        Ok(RawResponse { status, headers, body })
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
        self.send(Call::post_json(url, credential, body)?).await?.json()
    }
}

/// What kind of transport failure `e` is, for the upstream span's `error.type`.
pub(super) fn transport_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else {
        "transport"
    }
}

/// Reads a body chunk by chunk and stops as soon as it passes `cap` bytes.
pub(super) async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Vec<u8>, AzureError> {
    let too_large = || AzureError::InvalidResponse { reason: format!("the answer is larger than {cap} bytes") };
    if response.content_length().is_some_and(|len| len > cap as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| AzureError::from_transport(&e))? {
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
    fn api_urls_join_the_base_and_encode_the_query() {
        let base = Url::parse("https://dev.azure.com/contoso").unwrap();
        let url = api_url(&base, "/_apis/projects", &[("$top", "1"), ("api-version", "7.1")]).unwrap();
        assert_eq!(url.as_str(), "https://dev.azure.com/contoso/_apis/projects?%24top=1&api-version=7.1");
        let slash = Url::parse("https://ado.example.com/DefaultCollection/").unwrap();
        let url = api_url(&slash, "_apis/connectionData", &[]).unwrap();
        assert_eq!(url.as_str(), "https://ado.example.com/DefaultCollection/_apis/connectionData");
    }
}
