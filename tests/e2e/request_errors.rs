//! Every way a request to `/graphql` can be malformed gets GraphQL-over-HTTP JSON with a code:
//! bad JSON, bad `variables`, a wrong content type, a body over 1 MiB, a GET from a non-browser,
//! no or an unknown operation name, a subscription over POST, parse and validation errors, a
//! batch over the cap.

use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};

use crate::support::{ADMIN_TOKEN, TestApp, spawn_app};

struct Answer {
    status: StatusCode,
    content_type: String,
    body: Value,
}

async fn send(req: RequestBuilder) -> Answer {
    let resp = req.bearer_auth(ADMIN_TOKEN).send().await.expect("request");
    let status = resp.status();
    let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let text = resp.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: not JSON: {text}"));
    Answer { status, content_type, body }
}

fn post(app: &TestApp) -> RequestBuilder {
    app.http.post(format!("{}/graphql", app.base))
}

fn json_body(app: &TestApp, body: &str) -> RequestBuilder {
    post(app).header("content-type", "application/json").body(body.to_owned())
}

/// Every error carries a code; the first one's code is `code`.
fn assert_coded(what: &str, a: &Answer, code: &str) {
    let errors = a.body["errors"].as_array().unwrap_or_else(|| panic!("{what}: no errors: {}", a.body));
    for e in errors {
        assert!(e.pointer("/extensions/code").and_then(Value::as_str).is_some(), "{what}: error without a code: {e}");
        let locations = e["locations"].as_array().map(Vec::as_slice).unwrap_or_default();
        assert!(locations.iter().all(|l| l["line"].as_u64() >= Some(1)), "{what}: a location before line 1: {e}");
    }
    assert_eq!(errors[0]["extensions"]["code"], code, "{what}: {}", a.body);
}

#[tokio::test]
async fn every_malformed_request_gets_json_errors_that_each_carry_a_code() {
    let app = spawn_app().await;
    let sub = "subscription { webhookDeliveries(integrationId: \"QXp1cmU\") { id } }";
    let two = "query A { viewer { user } } query B { viewer { role } }";
    let batch: Vec<Value> = (0..11).map(|_| json!({ "query": "{ viewer { user } }" })).collect();
    let cases: Vec<(&str, RequestBuilder, StatusCode, &str)> = vec![
        ("bad JSON", json_body(&app, "{\"query\": \"{ viewer"), StatusCode::BAD_REQUEST, "BAD_REQUEST"),
        (
            "bad variables",
            json_body(&app, r#"{"query": "{ viewer { user } }", "variables": "pat-that-must-not-echo"}"#),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        (
            "wrong content type",
            post(&app).header("content-type", "text/plain").body(r#"{"query": "{ viewer { user } }"}"#),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_REQUEST",
        ),
        (
            "over 1 MiB",
            post(&app)
                .json(&json!({ "query": "{ viewer { user } }", "variables": { "pad": "x".repeat(1024 * 1024 + 10) } })),
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
        ),
        (
            "GET without a query",
            app.http.get(format!("{}/graphql", app.base)).header("accept", "application/json"),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        ("two operations, no name", post(&app).json(&json!({ "query": two })), StatusCode::OK, "BAD_REQUEST"),
        (
            "unknown operation name",
            post(&app).json(&json!({ "query": two, "operationName": "C" })),
            StatusCode::OK,
            "BAD_REQUEST",
        ),
        ("subscription over POST", post(&app).json(&json!({ "query": sub })), StatusCode::OK, "BAD_REQUEST"),
        ("parse error", post(&app).json(&json!({ "query": "{ viewer { user }" })), StatusCode::OK, "VALIDATION"),
        ("validation error", post(&app).json(&json!({ "query": "{ viewr { user } }" })), StatusCode::OK, "VALIDATION"),
        ("batch over the cap", post(&app).json(&batch), StatusCode::OK, "VALIDATION"),
    ];
    for (what, req, status, code) in cases {
        let a = send(req).await;
        assert_eq!(a.status, status, "{what}: {}", a.body);
        assert_eq!(a.content_type, "application/json", "{what}");
        assert_coded(what, &a, code);
        assert!(!a.body.to_string().contains("pat-that-must-not-echo"), "{what}: {}", a.body);
    }
}

#[tokio::test]
async fn request_errors_name_what_to_fix() {
    let app = spawn_app().await;
    let a = send(json_body(&app, r#"{"query": "{ viewer { user } }", "variables": [1]}"#)).await;
    assert_eq!(a.body["errors"][0]["extensions"]["field"], "variables", "{}", a.body);
    let sub =
        send(post(&app).json(&json!({ "query": "subscription { webhookDeliveries(integrationId: \"x\") { id } }" })))
            .await;
    assert!(
        sub.body["errors"][0]["extensions"]["hint"].as_str().is_some_and(|h| h.contains("/graphql/ws")),
        "{}",
        sub.body
    );
    let two =
        send(post(&app).json(&json!({ "query": "query A { viewer { user } } query B { viewer { role } }" }))).await;
    assert_eq!(two.body["errors"][0]["extensions"]["field"], "operationName", "{}", two.body);
    let typo = send(post(&app).json(&json!({ "query": "{ viewr { user } }" }))).await;
    assert_eq!(typo.body["errors"][0]["extensions"]["field"], "query", "{}", typo.body);
    let batch: Vec<Value> = (0..11).map(|_| json!({ "query": "{ viewer { user } }" })).collect();
    let capped = send(post(&app).json(&batch)).await;
    assert!(capped.body["errors"][0].get("locations").is_none(), "no 0:0 location: {}", capped.body);
}

#[tokio::test]
async fn the_answer_is_graphql_response_json_when_asked_and_browsers_still_get_graphiql() {
    let app = spawn_app().await;
    let asked = |req: RequestBuilder| req.header("accept", "application/graphql-response+json, application/json");
    let bad = send(asked(json_body(&app, "not json"))).await;
    assert_eq!(bad.content_type, "application/graphql-response+json");
    assert_coded("bad JSON", &bad, "BAD_REQUEST");
    let ok = send(asked(post(&app).json(&json!({ "query": "{ viewer { user } }" })))).await;
    assert_eq!(ok.content_type, "application/graphql-response+json");
    assert_eq!(ok.body["data"]["viewer"]["user"], "admin");
    let page = app.http.get(format!("{}/graphql", app.base)).header("accept", "text/html").send().await.expect("get");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("page").contains("GraphiQL"));
    let get = send(app.http.get(format!("{}/graphql?query=%7Bviewer%7Buser%7D%7D", app.base))).await;
    assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_coded("GET with a query", &get, "BAD_REQUEST");
}
