//! Tokens of the host's managed identity (docs/azure-devops-wire.md §6.5): the VM's IMDS
//! (`Metadata: true`, api-version 2018-02-01) or App Service's identity endpoint
//! (`X-IDENTITY-HEADER`, api-version 2019-08-01), for resource Azure DevOps and the user-assigned
//! identity `client_id`; on AKS, workload identity (`workload_identity.rs`). The endpoint is operator configuration, never user input: it is the one
//! address these requests go to, over their own client (the SSRF guard, which refuses link-local
//! and plain-http hosts, stays on for everything else). 404, 410, 429 and 5xx are retried.

use std::time::Duration;

use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tracing::Instrument as _;
use url::Url;

use super::entra::{EntraFailure, GrantError, UserTokens};
use super::error::AzureError;
use super::workload_identity::WorkloadIdentity;
use crate::domain::oauth_app::ADO_RESOURCE_ID;

/// The VM's Instance Metadata Service token endpoint.
pub const IMDS: &str = "http://169.254.169.254/metadata/identity/oauth2/token";
const ATTEMPTS: u32 = 3;

/// Where managed identity tokens come from.
#[derive(Clone, Debug)]
pub enum Endpoint {
    /// The VM's IMDS, or any endpoint speaking its protocol (`Metadata: true`).
    Imds(Url),
    /// App Service, Functions, Container Apps: `IDENTITY_ENDPOINT`, with `IDENTITY_HEADER` sent as
    /// `X-IDENTITY-HEADER`.
    AppService { url: Url, header: SecretString },
    /// AKS workload identity (`workload_identity.rs`): the projected service account token in
    /// `AZURE_FEDERATED_TOKEN_FILE`, exchanged at `AZURE_AUTHORITY_HOST`.
    Workload(WorkloadIdentity),
}

impl Endpoint {
    /// `configured` (IMDS protocol), else AKS workload identity when `workload` is set, else App
    /// Service's `IDENTITY_ENDPOINT` + `IDENTITY_HEADER` when the environment has both, else IMDS.
    pub fn resolve(configured: Option<&Url>, workload: Option<&WorkloadIdentity>) -> Endpoint {
        if let Some(url) = configured {
            return Endpoint::Imds(url.clone());
        }
        if let Some(workload) = workload {
            return Endpoint::Workload(workload.clone());
        }
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        if let (Some(endpoint), Some(header)) = (env("IDENTITY_ENDPOINT"), env("IDENTITY_HEADER"))
            && let Ok(url) = Url::parse(&endpoint)
        {
            return Endpoint::AppService { url, header: SecretString::from(header) };
        }
        Endpoint::imds()
    }

    pub fn imds() -> Endpoint {
        #[allow(clippy::expect_used)]
        let url = Url::parse(IMDS).expect("the IMDS URL constant parses");
        Endpoint::Imds(url)
    }
}

/// `expires_in` / `expires_on` arrive as strings from IMDS and App Service.
#[derive(Deserialize)]
#[serde(untagged)]
enum Number {
    Text(String),
    Int(i64),
}

impl Number {
    fn value(&self) -> Option<i64> {
        match self {
            Number::Text(s) => s.trim().parse().ok(),
            Number::Int(n) => Some(*n),
        }
    }
}

#[derive(Deserialize)]
struct Answer {
    access_token: Option<String>,
    expires_in: Option<Number>,
    expires_on: Option<Number>,
    error: Option<String>,
    error_description: Option<String>,
}

/// A token for the managed identity `client_id` from the IMDS or App Service endpoint (AKS
/// workload identity goes to Entra instead: `app_token.rs`).
pub async fn token(http: &reqwest::Client, endpoint: &Endpoint, client_id: &str) -> Result<UserTokens, GrantError> {
    let (mut url, header) = match endpoint {
        Endpoint::Imds(url) => (url.clone(), None),
        Endpoint::AppService { url, header } => (url.clone(), Some(header)),
        Endpoint::Workload(_) => {
            return Err(GrantError::Call(AzureError::InvalidResponse {
                reason: "AKS workload identity exchanges its token file at Entra, not at a host endpoint".into(),
            }));
        }
    };
    let version = if header.is_some() { "2019-08-01" } else { "2018-02-01" };
    url.query_pairs_mut()
        .append_pair("api-version", version)
        .append_pair("resource", ADO_RESOURCE_ID)
        .append_pair("client_id", client_id);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut request = http.get(url.clone());
        request = match header {
            Some(header) => request.header("X-IDENTITY-HEADER", header.expose_secret()),
            None => request.header("Metadata", "true"),
        };
        let span = crate::traces::spans::upstream_request("GET", &url);
        let response = request.send().instrument(span.clone()).await.map_err(|e| {
            crate::traces::spans::record_upstream_failure(&span, super::client::transport_kind(&e));
            GrantError::Call(AzureError::from_transport(&e))
        })?;
        crate::traces::spans::record_upstream_answer(&span, response.status().as_u16(), response.headers());
        let status = response.status();
        let retry = matches!(status, StatusCode::NOT_FOUND | StatusCode::GONE | StatusCode::TOO_MANY_REQUESTS)
            || status.is_server_error();
        if retry && attempt < ATTEMPTS {
            tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            continue;
        }
        let body = response.bytes().await.map_err(|e| GrantError::Call(AzureError::from_transport(&e)))?;
        return answer(status, &body);
    }
}

fn answer(status: StatusCode, body: &[u8]) -> Result<UserTokens, GrantError> {
    let parsed: Answer = serde_json::from_slice(body).map_err(|_| {
        GrantError::Call(AzureError::InvalidResponse {
            reason: format!("the managed identity endpoint answered HTTP {} without JSON", status.as_u16()),
        })
    })?;
    match (status.is_success(), parsed.access_token) {
        (true, Some(token)) if !token.is_empty() => {
            let now = chrono::Utc::now().timestamp();
            let lifetime = parsed
                .expires_in
                .and_then(|n| n.value())
                .or_else(|| parsed.expires_on.and_then(|n| n.value()).map(|on| on.saturating_sub(now)))
                .unwrap_or(3600);
            Ok(UserTokens {
                access_token: SecretString::from(token),
                refresh_token: None,
                expires_in: Duration::from_secs(u64::try_from(lifetime.max(0)).unwrap_or(0))
                    .min(super::entra::MAX_LIFETIME),
                scopes: Vec::new(),
                id_token: None,
            })
        }
        _ => Err(GrantError::Refused(EntraFailure::new(
            parsed.error.as_deref().unwrap_or("managed_identity_unavailable"),
            parsed.error_description.as_deref().or(Some(&format!("HTTP {}", status.as_u16()))),
            None,
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_strings_and_expires_on_are_read() {
        let imds = br#"{"access_token":"eyJ0","refresh_token":"","expires_in":"3599","expires_on":"1741096800","resource":"x","token_type":"Bearer"}"#;
        let t = answer(StatusCode::OK, imds).unwrap();
        assert_eq!(t.expires_in, Duration::from_secs(3599));
        let on = chrono::Utc::now().timestamp() + 1800;
        let app_service =
            format!(r#"{{"access_token":"eyJ0","expires_on":"{on}","resource":"x","token_type":"Bearer"}}"#);
        let t = answer(StatusCode::OK, app_service.as_bytes()).unwrap();
        assert!((1790..=1800).contains(&t.expires_in.as_secs()), "{:?}", t.expires_in);
    }

    #[test]
    fn hostile_lifetimes_are_capped_never_a_panic() {
        for body in [
            r#"{"access_token":"eyJ0","expires_in":"9223372036854775807"}"#.to_owned(),
            r#"{"access_token":"eyJ0","expires_on":"-9223372036854775808"}"#.to_owned(),
            r#"{"access_token":"eyJ0","expires_on":9223372036854775807}"#.to_owned(),
        ] {
            let t = answer(StatusCode::OK, body.as_bytes()).unwrap();
            assert!(t.expires_in <= super::super::entra::MAX_LIFETIME, "{body}: {:?}", t.expires_in);
            // What callers compute from it stays in range.
            let lifetime = chrono::Duration::from_std(t.expires_in).unwrap();
            assert!(chrono::Utc::now().checked_add_signed(lifetime).is_some());
        }
    }

    #[test]
    fn an_error_body_is_a_refusal_with_its_description() {
        let e =
            answer(StatusCode::BAD_REQUEST, br#"{"error":"invalid_request","error_description":"Identity not found"}"#)
                .unwrap_err();
        assert!(matches!(&e, GrantError::Refused(f) if f.description.contains("Identity not found")), "{e:?}");
        assert!(matches!(answer(StatusCode::BAD_GATEWAY, b"<html>"), Err(GrantError::Call(_))));
    }
}
