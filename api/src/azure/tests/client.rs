//! The HTTP client against fake-azure: redirects, body cap, SSRF resolver, pages, error mapping.

use std::sync::Arc;

use fake_azure::{DEFAULT_ORG, DEFAULT_PAT, DEFAULT_TENANT, FakeAzure};
use secrecy::SecretString;

use super::{client, client_with, url};
use crate::azure::guard::GuardedResolver;
use crate::azure::wire::TeamProjectReference;
use crate::azure::{AzureError, Credential};

fn pat() -> Credential {
    Credential::Pat(SecretString::from(DEFAULT_PAT))
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let fake = FakeAzure::start().await;
    let authorize = url(&format!(
        "{}/{DEFAULT_TENANT}/oauth2/v2.0/authorize?client_id={}&response_type=code&redirect_uri=http%3A%2F%2F169.254.169.254%2F",
        fake.entra_authority(),
        fake_azure::DEFAULT_CLIENT_ID
    ));

    let raw = client().send(crate::azure::Call::get(authorize, &Credential::None)).await.unwrap();

    assert_eq!(raw.status.as_u16(), 302);
    assert!(matches!(raw.error_for_status(), Err(AzureError::Upstream { status: 302, .. })));
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn a_body_over_the_cap_is_an_invalid_response() {
    let fake = FakeAzure::start().await;
    let small = client_with(|c| c.max_body_bytes = 64);

    let got = small
        .get_page::<TeamProjectReference>(
            &url(&fake.org_url(DEFAULT_ORG)),
            "_apis/projects",
            &[("api-version", "7.1")],
            &pat(),
        )
        .await;

    assert!(matches!(got, Err(AzureError::InvalidResponse { reason }) if reason.contains("64 bytes")));
}

#[tokio::test]
async fn a_page_carries_the_continuation_token() {
    let fake = FakeAzure::start().await;

    let page = client()
        .get_page::<TeamProjectReference>(
            &url(&fake.org_url(DEFAULT_ORG)),
            "_apis/projects",
            &[("$top", "1"), ("api-version", "7.1")],
            &pat(),
        )
        .await
        .unwrap();

    assert_eq!(page.value.len(), 1);
    assert_eq!(page.count, Some(1));
    assert_eq!(page.continuation_token.as_deref(), Some("1"));
}

#[tokio::test]
async fn a_connection_refused_is_unreachable() {
    let fake = FakeAzure::start().await;
    let org = url(&fake.org_url(DEFAULT_ORG));
    fake.shutdown();
    drop(fake);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;

    let got = client().get_json::<serde_json::Value>(&org, "_apis/connectionData", &[], &pat()).await;

    assert!(matches!(got, Err(AzureError::Unreachable { .. })), "{got:?}");
}

#[tokio::test]
async fn the_resolver_blocks_a_name_that_resolves_to_loopback_at_connect_time() {
    // reqwest asks the resolver for names (not IP literals); the refusal must surface as Blocked.
    let fake = FakeAzure::start().await;
    let port = url(&fake.base_url()).port().unwrap();
    let http = reqwest::Client::builder().dns_resolver(GuardedResolver::new(false)).build().unwrap();

    let error = http.get(format!("http://localhost:{port}/contoso/_apis/connectionData")).send().await.unwrap_err();

    assert!(matches!(AzureError::from_transport(&error), AzureError::Blocked { .. }));
    assert!(fake.requests().is_empty());
    let allowed = reqwest::Client::builder().dns_resolver(Arc::clone(&GuardedResolver::new(true))).build().unwrap();
    assert!(allowed.get(format!("http://localhost:{port}/contoso/_apis/connectionData")).send().await.is_ok());
}

#[tokio::test]
async fn the_203_sign_in_page_of_a_request_without_suppress_is_unauthorized() {
    // Real Azure DevOps answers 203 + HTML when FedAuthRedirect is not suppressed; we always
    // suppress it, but a proxy or an old server may still send the page.
    let fake = FakeAzure::start().await;
    let answer = reqwest::Client::new()
        .get(format!("{}/_apis/projects?api-version=7.1", fake.org_url(DEFAULT_ORG)))
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let headers = answer.headers().clone();
    let body = answer.bytes().await.unwrap();

    assert_eq!(status.as_u16(), 203);
    let got = crate::azure::error::classify(status, &headers, &body);
    assert_eq!(got, Err(AzureError::Unauthorized { expired: false }));
}

#[tokio::test]
async fn a_200_asking_to_slow_down_delays_that_identitys_next_call_and_no_other() {
    let fake = FakeAzure::start().await;
    fake.add_pat(DEFAULT_ORG, "lee-pat", fake_azure::Pat::full(fake_azure::User::lee()));
    fake.set_behaviour(DEFAULT_ORG, fake_azure::Behaviour::Delayed { retry_after_secs: 30 });
    let azure = client();
    let org = url(&fake.org_url(DEFAULT_ORG));
    let projects = |credential: Credential| {
        let (azure, org) = (azure.clone(), org.clone());
        async move {
            azure.get_page::<TeamProjectReference>(&org, "_apis/projects", &[("api-version", "7.1")], &credential).await
        }
    };

    let first = projects(pat()).await;
    let second = projects(pat()).await;
    let other = projects(Credential::Pat(SecretString::from("lee-pat"))).await;

    assert!(first.is_ok(), "the delayed answer is still served: {first:?}");
    // 30 s is longer than vcslink waits inside a request: refused at once, without calling.
    match second {
        Err(AzureError::RateLimited { retry_after: Some(after) }) => assert!(after.as_secs() > 25, "{after:?}"),
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert!(other.is_ok(), "another identity is not delayed: {other:?}");
    assert_eq!(fake.requests().len(), 2, "the delayed identity's second call never left");
}
