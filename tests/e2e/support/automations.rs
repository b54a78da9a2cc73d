//! Automations: a loopback receiver that records what it is sent (failing the first few on
//! purpose), creating an automation through GraphQL, and the fast retry knobs the tests run with.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::TestApp;

/// A request the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// A loopback HTTP receiver that answers 500 to the first `fail_first` requests per path.
#[derive(Clone)]
pub struct Receiver {
    pub base: String,
    seen: Arc<Mutex<Vec<(Received, u16)>>>,
    fail_first: Arc<Mutex<usize>>,
}

impl Receiver {
    pub async fn start(fail_first: usize) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind receiver");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let r = Receiver { base, seen: Arc::default(), fail_first: Arc::new(Mutex::new(fail_first)) };
        let state = r.clone();
        let app =
            axum::Router::new().fallback(move |uri: axum::http::Uri, headers: HeaderMap, body: axum::body::Bytes| {
                let state = state.clone();
                async move {
                    let path = uri.path().to_owned();
                    let mut seen = state.seen.lock().unwrap_or_else(|e| e.into_inner());
                    let earlier = seen.iter().filter(|(x, _)| x.path == path).count();
                    let fail = earlier < *state.fail_first.lock().unwrap_or_else(|e| e.into_inner());
                    let status = if fail { 500 } else { 200 };
                    seen.push((Received { path, headers, body: body.to_vec() }, status));
                    StatusCode::from_u16(status).unwrap_or(StatusCode::OK)
                }
            });
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        r
    }

    pub fn got(&self, path: &str) -> Vec<(Received, u16)> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).iter().filter(|(r, _)| r.path == path).cloned().collect()
    }

    /// From now on every request succeeds (the receiver has recovered).
    pub fn stop_failing(&self) {
        *self.fail_first.lock().unwrap_or_else(|e| e.into_inner()) = 0;
    }

    pub async fn wait_for(&self, path: &str, successes: usize) -> Vec<(Received, u16)> {
        for _ in 0..200 {
            let got = self.got(path);
            if got.iter().filter(|(_, s)| *s == 200).count() >= successes {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{path}: expected {successes} successful sends, got {:?}", self.got(path).len());
    }
}

/// Retries and outbox polls every 50 ms, so a test sees several attempts quickly.
pub fn fast(c: &mut vcslink_api::config::Config) {
    c.automation_retry_base = Duration::from_millis(50);
    c.outbox_poll_interval = Duration::from_millis(50);
}

pub const CREATE: &str = "mutation($i: CreateAutomationInput!) { createAutomation(input: $i) { clientMutationId secret \
    automation { id name eventTypes project repository branch triggerPhrase targetUrl secretSet } } }";

/// Creates an automation from `input`; returns the payload (`automation`, `secret`, `clientMutationId`).
pub async fn create(app: &TestApp, input: Value) -> Value {
    let body = app.gql(CREATE, json!({ "i": input })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["createAutomation"].clone()
}
