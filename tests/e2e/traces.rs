//! OpenTelemetry traces: the real binary with `OTEL_EXPORTER_OTLP_ENDPOINT` pointing at an
//! in-process collector exports one span per GraphQL operation, upstream call, webhook delivery
//! and automation send, each with its request id (the automation send, background work, with its
//! delivery id), the Azure DevOps activity id on upstream calls, and no secret anywhere.

use std::time::Duration;

use fake_azure::payloads::{Event, Payload};
use fake_azure::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PAT, DEFAULT_TENANT};
use serde_json::{Value, json};

use crate::support::automations::Receiver;
use crate::support::otlp::{OtlpReceiver, SeenSpan};
use crate::support::queries;
use crate::support::{ADMIN_TOKEN, TestApp, spawn_app};

const COLLECTOR_KEY: &str = "collector-api-key-5f3e9a1c7b";
const AUTOMATION_SECRET: &str = "automation-signing-secret-8d2c4e6f";

/// The child server's environment: the fake as upstream, the collector as OTLP endpoint.
fn env(app: &TestApp, collector: &OtlpReceiver, schedule_delay_ms: &str) -> Vec<(&'static str, String)> {
    vec![
        ("VCSLINK_ALLOW_PRIVATE_UPSTREAMS", "true".into()),
        ("VCSLINK_ENTRA_AUTHORITY", app.fake.entra_authority()),
        ("VCSLINK_PROFILE_URL", app.fake.profile_url()),
        ("VCSLINK_VSSPS_URL", app.fake.base_url()),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint.clone()),
        ("OTEL_EXPORTER_OTLP_HEADERS", format!("x-collector-key={COLLECTOR_KEY}")),
        ("OTEL_BSP_SCHEDULE_DELAY", schedule_delay_ms.into()),
        ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=e2e".into()),
    ]
}

/// Starts the binary on the test app's database (the in-process server stopped, so the child's
/// outbox worker is the only one).
async fn child(app: &mut TestApp, env: &[(&'static str, String)]) -> (tokio::process::Child, String) {
    app.stop_server().await;
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.spawn_process(&env).await
}

/// POSTs a GraphQL operation to `base`; the body and the answer's `X-Request-Id`.
async fn gql(app: &TestApp, base: &str, query: &str, variables: Value) -> (Value, String) {
    let resp = app
        .http
        .post(format!("{base}/graphql"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("graphql request");
    let request_id = resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()).expect("x-request-id").to_owned();
    (resp.json().await.expect("json"), request_id)
}

fn named<'a>(spans: &'a [SeenSpan], name: &str) -> Vec<&'a SeenSpan> {
    spans.iter().filter(|s| s.name == name).collect()
}

async fn sigterm(mut child: tokio::process::Child) {
    let pid = child.id().expect("pid").to_string();
    let killed = tokio::process::Command::new("kill").args(["-TERM", &pid]).status().await.expect("kill");
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(15), child.wait()).await.expect("exits").expect("status");
    assert!(status.success(), "exit status {status:?}");
}

#[tokio::test]
async fn every_span_kind_is_exported_with_its_request_id_and_no_secret() {
    let collector = OtlpReceiver::start().await;
    let targets = Receiver::start(0).await;
    let mut app = spawn_app().await;
    let env = env(&app, &collector, "100");
    let (process, base) = child(&mut app, &env).await;

    // An integration with a PAT, verified: upstream calls to the fake happen inside this request.
    let input = json!({ "name": "traced", "organizationUrl": app.org_url(), "flavor": "SERVICES",
        "personalAccessToken": DEFAULT_PAT });
    let (created, create_rid) = gql(&app, &base, &queries::create(), json!({ "i": input })).await;
    let p = &created["data"]["createAzureDevOpsIntegration"];
    let id = p["integration"]["id"].as_str().unwrap_or_else(|| panic!("{created}")).to_owned();
    let endpoint = p["integration"]["webhook"]["endpointUrl"].as_str().expect("endpoint").to_owned();
    let password = p["webhookPassword"].as_str().expect("password").to_owned();
    // An OAuth app integration: its client secret goes to Entra, never into a trace.
    let oauth = json!({ "name": "traced-oauth", "organizationUrl": app.org_url(), "flavor": "SERVICES",
        "oauthApp": { "tenantId": DEFAULT_TENANT, "clientId": DEFAULT_CLIENT_ID, "clientSecret": DEFAULT_CLIENT_SECRET } });
    let (made, _) = gql(&app, &base, &queries::create(), json!({ "i": oauth })).await;
    assert!(made.pointer("/data/createAzureDevOpsIntegration/integration/id").is_some(), "{made}");

    // Browsing, under a named operation.
    let browse = "query Browse($id: ID!) { repository(integrationId: $id, fullName: \"contoso/Platform/api-gateway\") { name } }";
    let (browsed, browse_rid) = gql(&app, &base, browse, json!({ "id": id })).await;
    assert_eq!(browsed["data"]["repository"]["name"], "api-gateway", "{browsed}");
    // An operation that fails with a code.
    let (refused, refused_rid) =
        gql(&app, &base, "query Missing { azureDevOpsIntegration(id: \"nope\") { id } }", json!({})).await;
    let refused_code = refused.pointer("/errors/0/extensions/code").and_then(Value::as_str).expect("code").to_owned();

    // An automation for pushes, then a push delivered as Azure DevOps would.
    let automation = json!({ "integrationId": id, "name": "pushes", "eventTypes": ["CODE_PUSHED"],
        "targetUrl": format!("{}/hook", targets.base), "secret": AUTOMATION_SECRET });
    let (auto, _) = gql(&app, &base, crate::support::automations::CREATE, json!({ "i": automation })).await;
    assert!(auto.get("errors").is_none(), "{auto}");
    let path = endpoint.split_once("/webhooks/").expect("webhook path").1;
    let push = Payload::new(Event::Push, "https://dev.azure.com/contoso");
    let delivered = app
        .http
        .post(format!("{base}/webhooks/{path}"))
        .basic_auth("ado-hook", Some(&password))
        .header("content-type", "application/json; charset=utf-8")
        .body(push.body())
        .send()
        .await
        .expect("delivery");
    assert_eq!(delivered.status(), 200);
    let delivery_rid = delivered.headers().get("x-request-id").and_then(|v| v.to_str().ok()).expect("rid").to_owned();
    targets.wait_for("/hook", 1).await;

    let spans = collector
        .wait_until(Duration::from_secs(20), |s| {
            ["graphql.operation", "upstream.request", "webhook.ingest", "automation.send"]
                .iter()
                .all(|n| s.iter().any(|x| x.name == *n))
                && s.iter().any(|x| x.attr("graphql.operation.name") == Some("Browse"))
                && s.iter().any(|x| x.attr("graphql.operation.name") == Some("Missing"))
        })
        .await;
    let names: Vec<&str> = spans.iter().map(|s| s.name.as_str()).collect();

    // GraphQL operations: name (or its placeholder), type, tenant, request id, outcome.
    let ops = named(&spans, "graphql.operation");
    let create_op =
        ops.iter().find(|s| s.attr("vcslink.request_id") == Some(&create_rid)).unwrap_or_else(|| panic!("{names:?}"));
    assert_eq!(create_op.attr("graphql.operation.name"), Some("anonymous"));
    assert_eq!(create_op.attr("graphql.operation.type"), Some("mutation"));
    assert_eq!(create_op.attr("vcslink.outcome"), Some("ok"));
    assert!(create_op.attr("vcslink.tenant_id").is_some_and(|t| !t.is_empty()), "{create_op:?}");
    let browse_op = ops.iter().find(|s| s.attr("graphql.operation.name") == Some("Browse")).expect("Browse span");
    assert_eq!(browse_op.attr("vcslink.request_id"), Some(browse_rid.as_str()));
    assert_eq!(browse_op.attr("graphql.operation.type"), Some("query"));
    let missing = ops.iter().find(|s| s.attr("graphql.operation.name") == Some("Missing")).expect("Missing span");
    assert_eq!(missing.attr("vcslink.request_id"), Some(refused_rid.as_str()));
    assert_eq!(missing.attr("vcslink.outcome"), Some("error"));
    assert_eq!(missing.attr("vcslink.error_code"), Some(refused_code.as_str()));

    // Upstream calls: method, host, path (no query), status, the activity id the fake sent, and
    // the request id of the operation they served, as its children.
    let sent_ids = app.fake.activity_ids();
    let upstream = named(&spans, "upstream.request");
    let fake_host = url::Url::parse(&app.fake.base_url()).expect("fake url").host_str().expect("host").to_owned();
    for call in &upstream {
        assert!(call.attr("http.request.method").is_some(), "{call:?}");
        assert_eq!(call.attr("server.address"), Some(fake_host.as_str()), "{call:?}");
        assert!(call.attr("url.path").is_some_and(|p| p.starts_with('/') && !p.contains('?')), "{call:?}");
        assert!(!call.attributes.values().any(|v| v.contains("api-version")), "a query string was recorded: {call:?}");
        let activity = call.attr("azure_devops.activity_id").unwrap_or_else(|| panic!("no activity id: {call:?}"));
        assert!(sent_ids.iter().any(|id| id == activity), "activity id {activity} was not sent by the fake");
    }
    let during_create: Vec<_> = upstream.iter().filter(|s| s.attr("vcslink.request_id") == Some(&create_rid)).collect();
    assert!(!during_create.is_empty(), "no upstream span for the verification: {names:?}");
    assert!(during_create.iter().all(|s| s.attr("http.response.status_code").is_some()));
    assert!(
        during_create.iter().all(|s| s.trace_id == create_op.trace_id),
        "the verification's upstream calls are in the operation's trace"
    );
    let browse_calls: Vec<_> = upstream.iter().filter(|s| s.attr("vcslink.request_id") == Some(&browse_rid)).collect();
    assert!(browse_calls.iter().any(|s| s.parent_span_id == browse_op.span_id), "browse calls are children of Browse");

    // The webhook delivery and the automation send it caused.
    let ingest = named(&spans, "webhook.ingest");
    let ingest = ingest.iter().find(|s| s.attr("vcslink.request_id") == Some(&delivery_rid)).expect("ingest span");
    assert_eq!(ingest.attr("vcslink.outcome"), Some("stored"));
    assert_eq!(ingest.attr("vcslink.event_type"), Some("CODE_PUSHED"));
    assert!(ingest.attr("vcslink.integration_id").is_some_and(|i| uuid::Uuid::parse_str(i).is_ok()), "{ingest:?}");
    let delivery_id = ingest.attr("vcslink.delivery_id").expect("delivery id");
    let send = named(&spans, "automation.send");
    let send = send.iter().find(|s| s.attr("vcslink.delivery_id") == Some(delivery_id)).expect("send span");
    assert_eq!(send.attr("vcslink.outcome"), Some("sent"));
    assert_eq!(send.attr("http.response.status_code"), Some("200"));
    assert_eq!(send.attr("vcslink.attempt"), Some("1"));
    assert_eq!(send.attr("server.address"), Some("127.0.0.1"));
    assert!(send.attr("vcslink.automation_id").is_some());

    // The resource and the collector's headers.
    assert_eq!(create_op.resource.get("service.name").map(String::as_str), Some("vcslink"));
    assert_eq!(create_op.resource.get("deployment.environment").map(String::as_str), Some("e2e"));
    assert!(collector.headers().iter().all(|h| h.get("x-collector-key").is_some_and(|v| v == COLLECTOR_KEY)));

    // No secret anywhere in what was exported: attribute values, names, resource, raw bytes.
    let raw = collector.raw();
    let secrets =
        [DEFAULT_PAT, DEFAULT_CLIENT_SECRET, password.as_str(), AUTOMATION_SECRET, ADMIN_TOKEN, COLLECTOR_KEY];
    for secret in secrets {
        assert!(!raw.windows(secret.len()).any(|w| w == secret.as_bytes()), "a secret was exported");
        for s in &spans {
            assert!(!s.name.contains(secret) && !s.attributes.values().any(|v| v.contains(secret)), "secret in {s:?}");
        }
    }
    let headers_leak = ["authorization", "basic ", "bearer "];
    for s in &spans {
        for (k, v) in &s.attributes {
            let (k, v) = (k.to_ascii_lowercase(), v.to_ascii_lowercase());
            assert!(!headers_leak.iter().any(|h| k.contains(h) || v.contains(h)), "a credential header in {s:?}");
        }
    }
    sigterm(process).await;
}

#[tokio::test]
async fn spans_still_queued_are_sent_on_graceful_shutdown() {
    let collector = OtlpReceiver::start().await;
    let mut app = spawn_app().await;
    // A schedule far longer than the test: only the shutdown flush can send the span.
    let env = env(&app, &collector, "600000");
    let (process, base) = child(&mut app, &env).await;
    let (body, rid) = gql(&app, &base, "query LastWords { viewer { tenant } }", json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(collector.spans().is_empty(), "exported before the shutdown");
    sigterm(process).await;
    let spans = collector.wait_until(Duration::from_secs(5), |s| !s.is_empty()).await;
    let op = spans.iter().find(|s| s.attr("graphql.operation.name") == Some("LastWords")).expect("flushed span");
    assert_eq!(op.attr("vcslink.request_id"), Some(rid.as_str()));
}

#[tokio::test]
async fn grpc_is_refused_at_start_up() {
    let app = spawn_app().await;
    let out = app
        .cli(
            &["check-config"],
            &[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")],
        )
        .await;
    assert_eq!(out.status.code(), Some(2), "a configuration error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("OTEL_EXPORTER_OTLP_PROTOCOL") && stderr.contains("http/protobuf"), "{stderr}");
}
