//! The OTLP exporter's HTTP client: the workspace's reqwest (opentelemetry-otlp's own reqwest
//! features would bring a second reqwest). The batch span processor exports from a thread of its
//! own, outside Tokio, so each request is run on the server's runtime and awaited from there.

use std::time::Duration;

use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use tokio::runtime::Handle;

/// The most of a collector's answer kept (it is a small protobuf status at most).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// reqwest 0.12 as an [`HttpClient`], with the export timeout.
#[derive(Debug, Clone)]
pub struct OtlpHttp {
    http: reqwest::Client,
    runtime: Handle,
}

impl OtlpHttp {
    /// A client whose requests run on `runtime` and give up after `timeout`.
    pub fn new(runtime: Handle, timeout: Duration) -> Result<OtlpHttp, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("vcslink/", env!("CARGO_PKG_VERSION"), " otlp"))
            .build()?;
        Ok(OtlpHttp { http, runtime })
    }
}

#[async_trait::async_trait]
impl HttpClient for OtlpHttp {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let request = reqwest::Request::try_from(request)?;
        let http = self.http.clone();
        let (status, headers, body) = self
            .runtime
            .spawn(async move {
                let mut answer = http.execute(request).await?;
                let (status, headers) = (answer.status(), answer.headers().clone());
                let mut body = Vec::new();
                while let Some(chunk) = answer.chunk().await? {
                    if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok::<_, reqwest::Error>((status, headers, body))
            })
            .await??;
        let mut response = Response::builder().status(status).body(Bytes::from(body))?;
        *response.headers_mut() = headers;
        Ok(response)
    }
}
