//! Operating the server: metrics, request ids, CORS, batch limits, the GraphiQL bundle compressed.

use serde_json::json;

use crate::support::integrations::{pat_integration, webhook_integration};
use crate::support::webhooks::deliver;
use crate::support::{ADMIN_TOKEN, Backend, queries, spawn_app, spawn_with};

#[tokio::test]
async fn metrics_count_graphql_operations_upstream_calls_and_caches() {
    let app = spawn_app().await;
    let id = pat_integration(&app, json!({})).await;
    let q =
        "query Repo($id: ID!) { repository(integrationId: $id, fullName: \"contoso/Platform/api-gateway\") { name } }";
    for _ in 0..2 {
        let body = app
            .http
            .post(format!("{}/graphql", app.base))
            .bearer_auth(ADMIN_TOKEN)
            .json(&json!({ "query": q, "variables": { "id": id }, "operationName": "Repo" }))
            .send()
            .await
            .expect("post");
        assert_eq!(body.status(), 200);
    }
    // Names a client makes up never become labels: an anonymous caller's, or an unknown root field's.
    let made_up = format!("Op{}", uuid::Uuid::new_v4().simple());
    for token in [None, Some(ADMIN_TOKEN)] {
        let mut req = app
            .http
            .post(format!("{}/graphql", app.base))
            .json(&json!({ "query": format!("query {made_up} {{ {made_up} }}"), "operationName": made_up }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        assert_eq!(req.send().await.expect("post").status(), 200);
    }
    let text = app.http.get(format!("{}/metrics", app.base)).send().await.expect("metrics").text().await.expect("text");
    assert!(text.contains("vcslink_graphql_requests_total{operation=\"repository\",outcome=\"ok\"}"), "{text}");
    assert!(text.contains("vcslink_graphql_requests_total{operation=\"unauthenticated\",outcome=\"error\"}"));
    assert!(text.contains("vcslink_graphql_requests_total{operation=\"other\",outcome=\"error\"}"), "{text}");
    assert!(!text.contains(&made_up), "a made-up name is no label: {text}");
    assert!(text.contains("vcslink_graphql_request_duration_seconds_bucket"), "latency histogram");
    assert!(text.contains("vcslink_upstream_requests_total{endpoint=\"git/repositories\",status=\"200\"}"), "{text}");
    assert!(text.contains("vcslink_upstream_cache_total{result=\"hit\"}"));
    assert!(text.contains("vcslink_token_cache_total{result=\"hit\"}"));
}

#[tokio::test]
async fn a_request_id_is_taken_or_made_and_echoed() {
    let app = spawn_app().await;
    let given =
        app.http.get(format!("{}/healthz", app.base)).header("x-request-id", "req-123").send().await.expect("get");
    assert_eq!(given.headers().get("x-request-id").and_then(|v| v.to_str().ok()), Some("req-123"));
    let made = app.http.get(format!("{}/healthz", app.base)).send().await.expect("get");
    let id = made.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
}

#[tokio::test]
async fn cors_allows_exactly_the_configured_origins() {
    let app =
        spawn_with(Backend::Sqlite, |c| c.cors_origins = vec!["https://app.example.com".into()]).await.expect("sqlite");
    let preflight = app
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization,content-type")
        .send()
        .await
        .expect("preflight");
    let h = preflight.headers();
    assert_eq!(h.get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("https://app.example.com"));
    assert!(h.get("access-control-max-age").is_some());
    assert!(h.get("access-control-allow-credentials").is_none());
    let other = app
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))
        .header("origin", "https://evil.example.net")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .expect("preflight");
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn batches_are_capped() {
    let app = spawn_app().await;
    let one = json!({ "query": "{ viewer { user } }" });
    let ok = app
        .http
        .post(format!("{}/graphql", app.base))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!([one, one]))
        .send()
        .await
        .expect("post");
    let body: serde_json::Value = ok.json().await.expect("json");
    assert_eq!(body.as_array().map(Vec::len), Some(2));
    let many: Vec<_> = (0..11).map(|_| one.clone()).collect();
    let refused =
        app.http.post(format!("{}/graphql", app.base)).bearer_auth(ADMIN_TOKEN).json(&many).send().await.expect("post");
    let body: serde_json::Value = refused.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION", "{body}");
}

#[tokio::test]
async fn a_token_over_its_rate_limit_is_told_when_to_retry() {
    let app = spawn_with(Backend::Sqlite, |c| c.token_rate_limit = 1).await.expect("sqlite");
    let mut codes = Vec::new();
    for _ in 0..4 {
        let body = app.gql("{ viewer { user } }", json!({})).await;
        codes.push(crate::support::error_code(&body).map(str::to_owned));
        if let Some(retry) = body.pointer("/errors/0/extensions/retryAfterSeconds") {
            assert!(retry.as_u64().is_some_and(|s| s >= 1), "{body}");
        }
    }
    assert_eq!(codes[..2], [None, None], "a burst of twice the rate passes");
    assert!(codes.contains(&Some("RATE_LIMITED".to_owned())), "{codes:?}");
    // Another token has its own budget.
    let body = app.gql_as(None, "{ viewer { user } }", json!({})).await;
    assert_eq!(crate::support::error_code(&body), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn the_audit_log_names_who_did_what_without_secrets() {
    let app = spawn_app().await;
    let id = pat_integration(&app, json!({ "name": "audited" })).await;
    app.gql(queries::UNLINK, json!({ "id": id })).await;
    app.token("someone", "MEMBER").await;
    let body = app
        .gql(
            "{ auditEvents(first: 10) { totalCount edges { node { action actor actorTokenId targetId details createdAt } } } }",
            json!({}),
        )
        .await;
    let actions: Vec<&str> = body["data"]["auditEvents"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|e| e["node"]["action"].as_str())
        .collect();
    assert_eq!(actions, ["api_token.create", "integration.unlink", "integration.create"], "{body}");
    assert!(body["data"]["auditEvents"]["edges"][0]["node"]["actor"] == "admin");
    assert!(!body.to_string().contains(fake_azure::DEFAULT_PAT));

    // An ADMIN minting a token for someone else is recorded with the acting token's id.
    let me = app.gql("{ viewer { tokenId } }", json!({})).await;
    let minted = &body["data"]["auditEvents"]["edges"][0]["node"];
    assert_eq!(minted["actorTokenId"], me["data"]["viewer"]["tokenId"], "{body}");
    let details: serde_json::Value = serde_json::from_str(minted["details"].as_str().expect("details")).expect("json");
    assert_eq!(details["user"], "someone");
    let member = app.token("m", "MEMBER").await;
    let denied = app.gql_as(Some(&member), "{ auditEvents { totalCount } }", json!({})).await;
    assert_eq!(crate::support::error_code(&denied), Some("FORBIDDEN"));
}

#[tokio::test]
async fn webhook_deliveries_are_counted_by_event_type_and_outcome() {
    use fake_azure::payloads::{Event, Payload};
    let app = spawn_app().await;
    let (_, endpoint, password) = webhook_integration(&app).await;
    let push = Payload::new(Event::Push, &app.fake.base_url()).body();
    assert_eq!(deliver(&app, &endpoint, Some(&password), push.clone()).await.status(), 200);
    assert_eq!(deliver(&app, &endpoint, Some(&password), push).await.status(), 200);
    assert_eq!(deliver(&app, &endpoint, Some("wrong-password-0000000000"), b"{}".to_vec()).await.status(), 401);
    let text = app.http.get(format!("{}/metrics", app.base)).send().await.expect("metrics").text().await.expect("text");
    assert!(text.contains("vcslink_webhook_deliveries_total{event_type=\"CODE_PUSHED\",outcome=\"stored\"}"), "{text}");
    assert!(
        text.contains("vcslink_webhook_deliveries_total{event_type=\"CODE_PUSHED\",outcome=\"duplicate\"}"),
        "{text}"
    );
    assert!(text.contains("vcslink_webhook_deliveries_total{event_type=\"-\",outcome=\"unauthorized\"}"), "{text}");
}

#[tokio::test]
async fn a_flood_of_deliveries_to_one_integration_is_asked_to_retry_with_503() {
    use fake_azure::payloads::{Event, Payload};
    let app = spawn_with(Backend::Sqlite, |c| c.webhook_rate_limit = 1).await.expect("sqlite");
    let (_, endpoint, password) = webhook_integration(&app).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let body = Payload::new(Event::Push, &app.fake.base_url()).body();
        let resp = deliver(&app, &endpoint, Some(&password), body).await;
        if resp.status() == 503 {
            assert!(resp.headers().get("retry-after").is_some(), "503 carries Retry-After");
        }
        statuses.push(resp.status().as_u16());
    }
    assert_eq!(statuses[..2], [200, 200], "a burst of twice the rate passes");
    assert!(statuses.contains(&503), "{statuses:?}");
}

#[tokio::test]
async fn graphiql_bundle_is_served_gzipped_to_clients_that_accept_it() {
    use std::io::Read as _;
    let app = crate::support::spawn_app().await;
    let url = format!("{}/graphql/assets/graphiql.min.js", app.base);
    let plain = app.http.get(&url).send().await.expect("get");
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.expect("body");
    let gz = app.http.get(&url).header("accept-encoding", "gzip, deflate, br").send().await.expect("get");
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.headers()["vary"], "accept-encoding");
    assert!(gz.headers()["content-type"].to_str().unwrap_or_default().starts_with("application/javascript"));
    let gz = gz.bytes().await.expect("body");
    assert!(gz.len() * 3 < plain.len(), "compressed {} of {} bytes", gz.len(), plain.len());
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut unzipped).expect("gunzip");
    assert_eq!(unzipped, plain);
}

#[tokio::test]
async fn metrics_need_the_metrics_token_when_one_is_set() {
    let token = "metrics-scraper-token-0123456789";
    let app = spawn_with(Backend::Sqlite, |c| c.metrics_token = Some(secrecy::SecretString::from(token)))
        .await
        .expect("sqlite");
    let url = format!("{}/metrics", app.base);
    let open = app.http.get(&url).send().await.expect("metrics");
    assert_eq!(open.status(), 401);
    assert!(open.headers().get("www-authenticate").is_some());
    let wrong = app.http.get(&url).bearer_auth("not-the-token").send().await.expect("metrics");
    assert_eq!(wrong.status(), 401);
    let scraped = app.http.get(&url).bearer_auth(token).send().await.expect("metrics");
    assert_eq!(scraped.status(), 200);
    assert!(scraped.text().await.expect("text").contains("vcslink_"));
}

/// Every metric passes `promtool check metrics` (Debian's `prometheus` package; `.ci/run` installs
/// it). Skipped with a notice outside CI when promtool is missing.
#[tokio::test]
async fn metric_names_pass_promtool() {
    let Ok(which) = std::process::Command::new("sh").args(["-c", "command -v promtool"]).output() else { return };
    if !which.status.success() {
        assert!(std::env::var("CI").is_err(), "CI must have promtool (Debian package prometheus)");
        eprintln!("skipped: promtool is not installed (apt-get install prometheus)");
        return;
    }
    let app = spawn_app().await;
    let (_, endpoint, password) = webhook_integration(&app).await;
    let p = fake_azure::payloads::Payload::new(fake_azure::payloads::Event::Push, "https://dev.azure.com/contoso");
    assert_eq!(deliver(&app, &endpoint, Some(&password), p.body()).await.status(), 200);
    let _ = app.gql(&queries::get(), json!({ "id": "x" })).await;
    let text = app.http.get(format!("{}/metrics", app.base)).send().await.expect("metrics").text().await.expect("text");
    let mut child = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool");
    use std::io::Write as _;
    child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write");
    let out = child.wait_with_output().expect("promtool runs");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && said.trim().is_empty(), "promtool check metrics: {said}\n{text}");
}
