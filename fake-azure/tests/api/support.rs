//! Shared helpers: a non-redirecting client and request builders with PAT or bearer auth.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use fake_azure::{DEFAULT_PAT, FakeAzure};
use reqwest::{Client, RequestBuilder, Response};
use serde_json::Value;

pub fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("client")
}

pub fn basic(pat: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!(":{pat}")))
}

/// GET `{base}{path}` with the default PAT.
pub fn get(fake: &FakeAzure, path: &str) -> RequestBuilder {
    get_as(fake, path, DEFAULT_PAT)
}

pub fn get_as(fake: &FakeAzure, path: &str, pat: &str) -> RequestBuilder {
    client().get(format!("{}{path}", fake.base_url())).header("Authorization", basic(pat))
}

pub fn post(fake: &FakeAzure, path: &str, body: &Value) -> RequestBuilder {
    client().post(format!("{}{path}", fake.base_url())).header("Authorization", basic(DEFAULT_PAT)).json(body)
}

pub async fn body(r: Response) -> Value {
    r.json().await.expect("json body")
}

pub fn header(r: &Response, name: &str) -> Option<String> {
    r.headers().get(name).map(|v| v.to_str().expect("ascii header").to_string())
}
