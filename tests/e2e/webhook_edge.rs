//! The webhook edge under an anonymous flood: random URLs and wrong passwords from one address get
//! that address throttled (503 + Retry-After) without touching anyone else, Azure DevOps' real
//! deliveries (another address, or the same one for an integration the cache knows) are all
//! acknowledged, a flood on a known id never spends that integration's bucket, and 100,000
//! random URLs leave the server's memory flat.

use std::net::IpAddr;

use fake_azure::payloads::{Event, Payload};

use crate::support::integrations::webhook_integration;
use crate::support::webhooks::{deliver, deliveries};
use crate::support::{Backend, TestApp, on_both_backends, spawn_with};

/// A client whose requests come from `source` (any 127.0.0.0/8 address reaches loopback).
fn client_from(source: &str) -> reqwest::Client {
    let source: IpAddr = source.parse().expect("address");
    reqwest::Client::builder().local_address(source).build().expect("client")
}

async fn post(client: &reqwest::Client, url: &str, password: &str, body: Vec<u8>) -> reqwest::Response {
    client
        .post(url)
        .header("content-type", "application/json")
        .basic_auth("ado-hook", Some(password))
        .body(body)
        .send()
        .await
        .expect("request")
}

/// 5 deliveries a second per integration (burst 10), 1 failed authentication a second per address
/// (burst 10): small enough that a short flood crosses both.
fn tight(c: &mut vcslink_api::config::Config) {
    c.webhook_rate_limit = 5;
    c.webhook_auth_failure_limit = 1;
}

async fn a_flood_throttles_its_own_address_and_real_deliveries_get_through(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    let url = app.local(&endpoint);
    let base = url.rsplit_once('/').map(|(b, _)| b.to_owned()).expect("route");
    let (attacker, azure) = (client_from("127.0.0.3"), client_from("127.0.0.2"));

    // Azure DevOps delivers once from the attacker's address too (a shared proxy, say): the cache
    // now vouches for the integration's password.
    let warm = Payload::new(Event::Push, "https://dev.azure.com/contoso");
    assert_eq!(post(&attacker, &url, &password, warm.body()).await.status(), 200);

    // The flood: non-UUID ids, random UUIDs, and wrong passwords on the real id.
    let mut statuses = Vec::new();
    for i in 0..60 {
        let target = match i % 3 {
            0 => format!("{base}/not-a-uuid-{i}"),
            1 => format!("{base}/{}", uuid::Uuid::new_v4()),
            _ => url.clone(),
        };
        let r = post(&attacker, &target, "wrong-password-0000000", b"{}".to_vec()).await;
        if r.status() == 503 {
            assert!(r.headers().get("retry-after").is_some(), "a throttle says when to retry");
        }
        statuses.push(r.status().as_u16());
    }
    assert!(statuses.iter().take(10).all(|s| *s == 401), "the burst is answered: {statuses:?}");
    // Then the address is throttled (a non-UUID id is still refused first, before anything); the
    // budget refills at 1 a second, so a slow run may see a further 401 or two, never a 200.
    let later: Vec<(usize, u16)> = statuses.iter().copied().enumerate().skip(12).collect();
    assert!(later.iter().all(|(i, s)| if i % 3 == 0 { *s == 401 } else { matches!(s, 401 | 503) }), "{statuses:?}");
    let throttled = later.iter().filter(|(_, s)| *s == 503).count();
    let looked_up = later.iter().filter(|(i, _)| i % 3 != 0).count();
    assert!(throttled * 4 >= looked_up * 3, "mostly throttled: {statuses:?}");

    // The throttled address still delivers what the cache vouches for…
    let vouched = Payload::new(Event::PullRequestCreated, "https://dev.azure.com/contoso");
    assert_eq!(post(&attacker, &url, &password, vouched.body()).await.status(), 200);
    // …and Azure DevOps' own address was never throttled, nor the integration's bucket spent.
    let mut sent = 0;
    for event in [Event::PullRequestUpdated, Event::PullRequestMerged, Event::PullRequestCommented] {
        let p = Payload::new(event, "https://dev.azure.com/contoso");
        assert_eq!(post(&azure, &url, &password, p.body()).await.status(), 200, "{event:?}");
        sent += 1;
    }
    assert_eq!(deliveries(&app, &id, None).await["totalCount"], 2 + sent, "every real delivery stored once");
}
on_both_backends!(a_flood_throttles_its_own_address_and_real_deliveries_get_through, super::tight);

async fn only_authenticated_deliveries_spend_an_integrations_bucket(app: TestApp) {
    let (_, endpoint, password) = webhook_integration(&app).await;
    let url = app.local(&endpoint);
    // Wrong passwords on the known id from many addresses: each address is throttled on its own.
    for n in 10..40 {
        let client = client_from(&format!("127.0.1.{n}"));
        assert_eq!(post(&client, &url, "wrong-password-0000000", b"{}".to_vec()).await.status(), 401);
    }
    // The bucket (5/s, burst 10) is whole: ten real deliveries in a row are stored.
    for _ in 0..10 {
        let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
        assert_eq!(deliver(&app, &endpoint, Some(&password), p.body()).await.status(), 200);
    }
    // Soon after, the bucket's own limit answers (it refills 5 a second, so not always the 11th).
    let mut limited = false;
    for _ in 0..40 {
        let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
        if deliver(&app, &endpoint, Some(&password), p.body()).await.status() == 503 {
            limited = true;
            break;
        }
    }
    assert!(limited, "the integration's bucket still limits real deliveries");
}
on_both_backends!(only_authenticated_deliveries_spend_an_integrations_bucket, super::tight);

/// The resident set of process `pid`, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

/// 100,000 random webhook URLs against the real binary: its resident memory stays flat (the
/// limiters hold no key per URL). Random ids from many addresses, so the throttle does not simply
/// answer them all from one entry.
#[tokio::test]
async fn a_hundred_thousand_random_urls_leave_memory_flat() {
    let Some(app) = spawn_with(Backend::Sqlite, |_| {}).await else { return };
    let (child, base) = app.spawn_process(&[("VCSLINK_LOG", "error")]).await;
    let pid = child.id().expect("pid");
    let clients: Vec<reqwest::Client> = (0..16).map(|n| client_from(&format!("127.0.2.{}", n + 1))).collect();
    let flood = |count: usize| {
        let (clients, base) = (clients.clone(), base.clone());
        async move {
            let per = count / clients.len();
            let tasks = clients.into_iter().map(|client| {
                let base = base.clone();
                tokio::spawn(async move {
                    for i in 0..per {
                        let id = if i % 2 == 0 { uuid::Uuid::new_v4().to_string() } else { format!("x{i}") };
                        let url = format!("{base}/webhooks/azure-devops/{id}");
                        let r = post(&client, &url, "wrong-password-0000000", b"{}".to_vec()).await;
                        assert!(matches!(r.status().as_u16(), 401 | 503), "{}", r.status());
                    }
                })
            });
            for t in tasks {
                t.await.expect("flood task");
            }
        }
    };
    flood(10_000).await; // warm up: allocator pools, connections, caches
    let before = rss_kib(pid);
    flood(100_000).await;
    let after = rss_kib(pid);
    let grown_mib = (after.saturating_sub(before)) as f64 / 1024.0;
    eprintln!("RSS before {before} KiB, after 100,000 random URLs {after} KiB (+{grown_mib:.1} MiB)");
    assert!(grown_mib < 10.0, "RSS grew {grown_mib:.1} MiB");
}
