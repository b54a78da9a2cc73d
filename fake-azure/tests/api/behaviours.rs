//! Behaviours: throttling, slowness, server errors, dropped connections; and the server's lifetime.

use std::time::{Duration, Instant};

use fake_azure::{Behaviour, DEFAULT_TENANT, FakeAzure};

use crate::support::{body, client, get, header};

#[tokio::test]
async fn rate_limited_orgs_answer_429_with_the_throttling_headers() {
    let fake = FakeAzure::start().await;
    fake.set_behaviour("contoso", Behaviour::RateLimited { retry_after_secs: 30 });
    let r = get(&fake, "/contoso/_apis/projects").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(header(&r, "retry-after").unwrap(), "30");
    assert_eq!(header(&r, "x-ratelimit-remaining").unwrap(), "0");
    assert!(header(&r, "x-ratelimit-resource").is_some());
    assert!(header(&r, "x-ratelimit-limit").is_some());
    let reset: i64 = header(&r, "x-ratelimit-reset").unwrap().parse().unwrap();
    assert!(reset > chrono::Utc::now().timestamp());
    let b = body(r).await;
    assert_eq!(b["typeKey"], "RequestBlockedException");
    assert!(b["message"].as_str().unwrap().starts_with("TF400733: "));

    fake.set_behaviour("contoso", Behaviour::Normal);
    assert_eq!(get(&fake, "/contoso/_apis/projects").send().await.unwrap().status().as_u16(), 200);
}

#[tokio::test]
async fn server_errors_and_slowness() {
    let fake = FakeAzure::start().await;
    fake.set_behaviour("contoso", Behaviour::ServerError);
    let r = get(&fake, "/contoso/_apis/projects").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(body(r).await["$id"], "1");

    fake.set_behaviour("contoso", Behaviour::Slow(Duration::from_millis(300)));
    let t = Instant::now();
    assert_eq!(get(&fake, "/contoso/_apis/projects").send().await.unwrap().status().as_u16(), 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn reset_connection_drops_the_socket_without_an_answer() {
    let fake = FakeAzure::start().await;
    fake.set_behaviour("contoso", Behaviour::ResetConnection);
    let err = get(&fake, "/contoso/_apis/projects").send().await.unwrap_err();
    assert!(!err.is_timeout(), "{err:?}");
    fake.set_behaviour("contoso", Behaviour::Normal);
    assert_eq!(get(&fake, "/contoso/_apis/projects").send().await.unwrap().status().as_u16(), 200);
}

#[tokio::test]
async fn behaviours_apply_to_entra_when_keyed_by_tenant() {
    let fake = FakeAzure::start().await;
    fake.set_behaviour(DEFAULT_TENANT, Behaviour::ServerError);
    let r = client()
        .get(format!("{}/{DEFAULT_TENANT}/v2.0/.well-known/openid-configuration", fake.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(body(r).await["error"], "temporarily_unavailable");
}

#[tokio::test]
async fn the_server_stops_on_shutdown() {
    let fake = FakeAzure::start().await;
    let base = fake.base_url();
    fake.shutdown();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(client().get(format!("{base}/contoso/_apis/projects")).send().await.is_err());
}
