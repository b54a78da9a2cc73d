//! The outbox under a slow target: one tenant's automation whose target takes 2 s per send, with a
//! backlog, never delays another tenant's sends (they are out before the backlog drains), and the
//! slow target gets no more than its share of sends at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use fake_azure::payloads::{Event, Payload};
use serde_json::{Value, json};

use crate::support::automations::{CREATE, fast};
use crate::support::webhooks::deliver;
use crate::support::{Backend, TestApp, queries, spawn_with};

/// A target that answers 200 after `delay`; counts what it finished and the most it held at once.
#[derive(Clone, Default)]
struct Slow {
    done: Arc<AtomicUsize>,
    open: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

impl Slow {
    async fn start(self, delay: Duration) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let app = axum::Router::new().fallback(move || {
            let s = self.clone();
            async move {
                let now = s.open.fetch_add(1, Ordering::SeqCst) + 1;
                s.most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(delay).await;
                s.open.fetch_sub(1, Ordering::SeqCst);
                s.done.fetch_add(1, Ordering::SeqCst);
                "ok"
            }
        });
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        base
    }
}

async fn integration_as(app: &TestApp, token: &str, name: &str) -> (String, String, String) {
    let input = json!({ "name": name, "organizationUrl": app.org_url(), "flavor": "SERVICES",
        "personalAccessToken": fake_azure::DEFAULT_PAT, "verify": false });
    let body = app.gql_as(Some(token), &queries::create(), json!({ "i": input })).await;
    let p = &body["data"]["createAzureDevOpsIntegration"];
    let id = p["integration"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    (
        id,
        p["integration"]["webhook"]["endpointUrl"].as_str().expect("endpoint").to_owned(),
        p["webhookPassword"].as_str().expect("password").to_owned(),
    )
}

async fn automation_as(app: &TestApp, token: &str, integration: &str, target: &str) {
    let input =
        json!({ "integrationId": integration, "name": "ci", "eventTypes": ["CODE_PUSHED"], "targetUrl": target });
    let body: Value = app.gql_as(Some(token), CREATE, json!({ "i": input })).await;
    assert!(body.get("errors").is_none(), "{body}");
}

#[tokio::test]
async fn a_slow_tenants_backlog_never_delays_another_tenants_sends() {
    let Some(app) = spawn_with(Backend::Sqlite, |c| {
        fast(c);
        c.allow_private_upstreams = true;
    })
    .await
    else {
        return;
    };
    let slow = Slow::default();
    let slow_base = slow.clone().start(Duration::from_secs(2)).await;
    let fast_target = Slow::default();
    let fast_base = fast_target.clone().start(Duration::ZERO).await;

    let admin = crate::support::ADMIN_TOKEN;
    let (a, a_endpoint, a_password) = integration_as(&app, admin, "slow-tenant").await;
    automation_as(&app, admin, &a, &format!("{slow_base}/ci")).await;
    const BACKLOG: usize = 12;
    for _ in 0..BACKLOG {
        let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
        assert_eq!(deliver(&app, &a_endpoint, Some(&a_password), p.body()).await.status(), 200);
    }

    let out = app
        .cli(&["token", "create", "--tenant", "fast", "--create-tenant", "--role", "admin", "--user", "b"], &[])
        .await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let other = String::from_utf8_lossy(&out.stdout).lines().last().expect("token").trim().to_owned();
    let (b, b_endpoint, b_password) = integration_as(&app, &other, "fast-tenant").await;
    automation_as(&app, &other, &b, &format!("{fast_base}/ci")).await;
    let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
    assert_eq!(deliver(&app, &b_endpoint, Some(&b_password), p.body()).await.status(), 200);

    for _ in 0..300 {
        if fast_target.done.load(Ordering::SeqCst) == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(fast_target.done.load(Ordering::SeqCst), 1, "the other tenant's send went out");
    let slow_done = slow.done.load(Ordering::SeqCst);
    assert!(slow_done < BACKLOG, "it did not wait for the backlog ({slow_done} of {BACKLOG} done)");
    for _ in 0..600 {
        if slow.done.load(Ordering::SeqCst) == BACKLOG {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(slow.done.load(Ordering::SeqCst), BACKLOG, "the backlog drains too");
    let most = slow.most.load(Ordering::SeqCst);
    assert!((2..=4).contains(&most), "the slow target got sends concurrently, at most its share: {most}");
}
