//! oauth2's HTTP client trait over our reqwest client, so token calls share the guard and limits.

use std::future::Future;
use std::pin::Pin;

use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};
use tracing::Instrument as _;
use url::Url;

use super::client::read_capped;
use super::error::AzureError;
use super::guard::check_url;

/// Our `reqwest::Client` (SSRF resolver, timeouts, no redirects) seen as an oauth2 HTTP client.
/// Build it with [`super::AzureClient::oauth_http`].
#[derive(Clone, Debug)]
pub struct OAuthHttp {
    http: reqwest::Client,
    allow_private: bool,
    max_body_bytes: usize,
}

impl OAuthHttp {
    pub(super) fn new(http: reqwest::Client, allow_private: bool, max_body_bytes: usize) -> Self {
        OAuthHttp { http, allow_private, max_body_bytes }
    }

    async fn execute(&self, request: HttpRequest) -> Result<HttpResponse, AzureError> {
        let url =
            Url::parse(&request.uri().to_string()).map_err(|e| AzureError::InvalidUrl { reason: e.to_string() })?;
        let span = crate::traces::spans::upstream_request(request.method().as_str(), &url);
        self.execute_traced(request, url, &span).instrument(span.clone()).await
    }

    async fn execute_traced(
        &self,
        request: HttpRequest,
        url: Url,
        span: &tracing::Span,
    ) -> Result<HttpResponse, AzureError> {
        check_url(&url, self.allow_private)?;
        let request = reqwest::Request::try_from(request)
            .map_err(|_| AzureError::InvalidUrl { reason: "the token request could not be built".into() })?;
        let response = self.http.execute(request).await.map_err(|e| {
            crate::traces::spans::record_upstream_failure(span, super::client::transport_kind(&e));
            AzureError::from_transport(&e)
        })?;
        crate::traces::spans::record_upstream_answer(span, response.status().as_u16(), response.headers());
        let mut builder = oauth2::http::Response::builder().status(response.status()).version(response.version());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let body = read_capped(response, self.max_body_bytes).await?;
        builder
            .body(body)
            .map_err(|_| AzureError::InvalidResponse { reason: "the token answer could not be rebuilt".into() })
    }
}

impl<'c> AsyncHttpClient<'c> for OAuthHttp {
    type Error = AzureError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, AzureError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.execute(request))
    }
}
