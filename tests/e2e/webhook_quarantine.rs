//! Authenticated deliveries Azure DevOps would be punished for: never a 4xx (every 4xx but 408 and
//! 410 walks the subscription into probation, then `disabledBySystem`), always stored. What cannot
//! be used is QUARANTINED as OTHER with the reason; an oversized body keeps its size, SHA-256 and
//! first 64 KiB; an edited comment is an edit; a UI mention matches the automation named for it.

use fake_azure::payloads::{Event, Payload};
use fake_azure::{ALL_SCOPES, DEFAULT_ORG, Pat, User};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::automations::{Receiver, create};
use crate::support::integrations::webhook_integration;
use crate::support::webhooks::{deliver, deliveries, nodes};
use crate::support::{Backend, TestApp, on_both_backends, queries, spawn_with};

const BASE: &str = "https://dev.azure.com/contoso";

fn by_event_id(conn: &Value, event_id: &str) -> Value {
    nodes(conn).into_iter().find(|n| n["eventId"] == event_id).unwrap_or_else(|| panic!("{event_id} in {conn}"))
}

fn sha256(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

async fn authenticated_bodies_that_cannot_be_used_are_acknowledged_and_quarantined(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    let not_json = b"<html>not json</html>".to_vec();
    let array = b"[1,2]".to_vec();
    let no_id = json!({"eventType": "git.push", "publisherId": "tfs", "resource": {}}).to_string().into_bytes();
    let no_resource = json!({"id": "e-no-resource", "eventType": "git.push"}).to_string().into_bytes();
    let unknown = json!({"id": "e-unknown", "eventType": "build.complete", "publisherId": "tfs", "resource": {}})
        .to_string()
        .into_bytes();
    let latin1 = b"caf\xe9".to_vec();
    for body in [&not_json, &array, &no_id, &no_resource, &unknown, &latin1, &not_json] {
        let resp = deliver(&app, &endpoint, Some(&password), body.clone()).await;
        assert_eq!(resp.status(), 200, "{}", String::from_utf8_lossy(body));
    }
    let all = deliveries(&app, &id, None).await;
    assert_eq!(all["totalCount"], 6, "the repeated non-JSON body is one delivery: {all}");
    let cases = [
        (format!("sha256:{}", sha256(&not_json)), &not_json, "not JSON"),
        (format!("sha256:{}", sha256(&array)), &array, "not a JSON object"),
        (format!("sha256:{}", sha256(&no_id)), &no_id, "no id"),
        ("e-no-resource".to_owned(), &no_resource, "no resource"),
        ("e-unknown".to_owned(), &unknown, "unknown event type \"build.complete\""),
        (format!("sha256:{}", sha256(&latin1)), &latin1, "not JSON"),
    ];
    for (event_id, body, reason) in cases {
        let d = by_event_id(&all, &event_id);
        assert_eq!(d["outcome"], "QUARANTINED", "{d}");
        assert_eq!(d["eventType"], "OTHER", "{d}");
        let message = d["outcomeMessage"].as_str().unwrap_or_default();
        assert!(message.contains(reason), "{message}");
        assert!(message.contains(&sha256(body)) && message.contains(&format!("{} bytes", body.len())), "{message}");
        assert_eq!(d["payload"], String::from_utf8_lossy(body).as_ref());
    }
    let html = by_event_id(&all, &format!("sha256:{}", sha256(&not_json)));
    assert_eq!(html["duplicateCount"], 1, "a re-sent body is deduplicated on its SHA-256");
    let unknown = by_event_id(&all, "e-unknown");
    assert_eq!(unknown["rawEventType"], "build.complete");

    // A replay leaves a quarantined delivery as it is.
    let replay = "mutation($id: ID!) { replayDelivery(input: { id: $id }) { delivery { outcome } } }";
    let body = app.gql(replay, json!({ "id": unknown["id"] })).await;
    assert_eq!(body["data"]["replayDelivery"]["delivery"]["outcome"], "QUARANTINED", "{body}");

    // 410 and 401 stay.
    let gone = app.gql(queries::UNLINK, json!({ "id": id })).await;
    assert!(gone.get("errors").is_none(), "{gone}");
    assert_eq!(deliver(&app, &endpoint, Some(&password), not_json.clone()).await.status(), 410);
}
on_both_backends!(authenticated_bodies_that_cannot_be_used_are_acknowledged_and_quarantined);

async fn oversized_bodies_are_kept_with_their_size_hash_and_first_64_kib(backend: Backend) {
    let Some(app) = spawn_with(backend, |c| c.webhook_max_body_bytes = 2 * 1024 * 1024).await else { return };
    let (id, endpoint, password) = webhook_integration(&app).await;
    // Over the cap: acknowledged, kept QUARANTINED.
    let mut big = b"{\"id\":\"big\",\"eventType\":\"git.push\",\"resource\":{},\"pad\":\"".to_vec();
    big.extend(std::iter::repeat_n(b'x', 3 * 1024 * 1024));
    big.extend(b"\"}");
    assert_eq!(deliver(&app, &endpoint, Some(&password), big.clone()).await.status(), 200);
    // Over the 1 MiB limit of the other routes but within the cap: stored whole, routed.
    let p = Payload::new(Event::PullRequestCommented, BASE).comment(&"y".repeat(600 * 1024));
    let within = p.body();
    assert!(within.len() > 1024 * 1024);
    assert_eq!(deliver(&app, &endpoint, Some(&password), within.clone()).await.status(), 200);

    let all = deliveries(&app, &id, None).await;
    assert_eq!(all["totalCount"], 2, "{all}");
    let kept = by_event_id(&all, &format!("sha256:{}", sha256(&big)));
    assert_eq!(kept["outcome"], "QUARANTINED");
    assert_eq!(kept["eventType"], "OTHER");
    assert_eq!(kept["payload"].as_str().map(str::len), Some(64 * 1024));
    assert_eq!(kept["payload"].as_str(), std::str::from_utf8(&big[..64 * 1024]).ok());
    let message = kept["outcomeMessage"].as_str().unwrap_or_default();
    assert!(message.contains("VCSLINK_WEBHOOK_MAX_BODY_BYTES"), "{message}");
    assert!(message.contains(&format!("{} bytes", big.len())) && message.contains(&sha256(&big)), "{message}");
    let whole = by_event_id(&all, &p.id);
    assert_eq!(whole["outcome"], "PROCESSED");
    assert_eq!(whole["payload"].as_str().map(str::len), Some(within.len()));
}

#[tokio::test]
async fn oversized_bodies_are_kept_with_their_size_hash_and_first_64_kib_on_sqlite() {
    oversized_bodies_are_kept_with_their_size_hash_and_first_64_kib(Backend::Sqlite).await;
}

#[tokio::test]
async fn oversized_bodies_are_kept_with_their_size_hash_and_first_64_kib_on_postgres() {
    oversized_bodies_are_kept_with_their_size_hash_and_first_64_kib(Backend::Postgres).await;
}

/// How many automation sends a delivery queued.
fn runs(d: &Value) -> usize {
    d["automationRuns"].as_array().map(Vec::len).unwrap_or(usize::MAX)
}

async fn ledger(app: &TestApp, id: &str) -> Value {
    let q = "query($id: ID!) { azureDevOpsIntegration(id: $id) { deliveries(first: 50) { totalCount edges { node { \
             eventId commentEdited commentText outcome automationRuns { status } } } } } }";
    let body = app.gql(q, json!({ "id": id })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["azureDevOpsIntegration"]["deliveries"].clone()
}

async fn an_edited_comment_is_recorded_as_an_edit_and_triggers_nothing(app: TestApp) {
    let receiver = Receiver::start(0).await;
    let (id, endpoint, password) = webhook_integration(&app).await;
    create(
        &app,
        json!({ "integrationId": id, "name": "retry bot", "eventTypes": ["PULL_REQUEST_COMMENTED"],
                "triggerPhrase": "/bot retry", "targetUrl": format!("{}/retry", receiver.base) }),
    )
    .await;
    let new = Payload::new(Event::PullRequestCommented, BASE);
    let edit = Payload::new(Event::PullRequestCommented, BASE).edited();
    for p in [&new, &edit] {
        assert_eq!(deliver(&app, &endpoint, Some(&password), p.body()).await.status(), 200);
    }
    let all = ledger(&app, &id).await;
    let (n, e) = (by_event_id(&all, &new.id), by_event_id(&all, &edit.id));
    assert_eq!(n["commentEdited"], false);
    assert_eq!(runs(&n), 1, "a new comment triggers: {n}");
    assert_eq!(e["commentEdited"], true);
    assert_eq!(e["commentText"], "/bot retry");
    assert_eq!(runs(&e), 0, "an edit is not a new comment: {e}");
}
on_both_backends!(an_edited_comment_is_recorded_as_an_edit_and_triggers_nothing);

const BOT_ID: &str = "1601de0c-6f44-4f34-9e4a-2b1b6b4f0c1d";
const IDENTITY_PAT: &str = "m3ka7vwq2hxz5npe4ytr6cjd7bfs3ul2gao5kixe6wmq4nzt7hrb";

async fn a_mention_picked_in_the_ui_matches_the_automation_named_for_that_identity(app: TestApp) {
    let receiver = Receiver::start(0).await;
    let bot = User { id: BOT_ID.into(), display_name: "Build Bot".into(), unique_name: "build-bot@contoso.com".into() };
    app.fake.add_pat(DEFAULT_ORG, "bot-pat-not-used-by-the-test-7w2q5e8r1t4y6u9i3o", Pat::with_scopes(bot, ALL_SCOPES));
    // A full-access PAT reads identities (`vso.identity`).
    let mut scopes = ALL_SCOPES.to_vec();
    scopes.push("vso.identity");
    app.fake.add_pat(DEFAULT_ORG, IDENTITY_PAT, Pat::with_scopes(User::dana(), &scopes));
    let body = app
        .gql(
            &queries::create(),
            json!({ "i": { "name": "mentions", "organizationUrl": app.org_url(), "flavor": "SERVICES",
                           "personalAccessToken": IDENTITY_PAT } }),
        )
        .await;
    let p = &body["data"]["createAzureDevOpsIntegration"];
    let id = p["integration"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let endpoint = p["integration"]["webhook"]["endpointUrl"].as_str().expect("endpoint").to_owned();
    let password = p["webhookPassword"].as_str().expect("password").to_owned();
    create(
        &app,
        json!({ "integrationId": id, "name": "bot", "eventTypes": ["PULL_REQUEST_COMMENTED"],
                "triggerPhrase": "@Build Bot retry", "targetUrl": format!("{}/bot", receiver.base) }),
    )
    .await;
    app.fake.clear_requests();
    let mention = format!("@<{}> retry please", BOT_ID.to_uppercase());
    let first = Payload::new(Event::PullRequestCommented, BASE).comment(&mention);
    let again = Payload::new(Event::PullRequestCommented, BASE).comment(&mention);
    let other =
        Payload::new(Event::PullRequestCommented, BASE).comment(&format!("@<{}> retry", fake_azure::payloads::DANA_ID));
    for p in [&first, &again, &other] {
        assert_eq!(deliver(&app, &endpoint, Some(&password), p.body()).await.status(), 200);
    }
    let all = ledger(&app, &id).await;
    assert_eq!(runs(&by_event_id(&all, &first.id)), 1, "the mention of Build Bot matches");
    assert_eq!(runs(&by_event_id(&all, &again.id)), 1);
    assert_eq!(runs(&by_event_id(&all, &other.id)), 0, "a mention of someone else does not");
    let lookups: Vec<_> = app.fake.requests().into_iter().filter(|r| r.path.ends_with("/_apis/identities")).collect();
    assert_eq!(lookups.len(), 2, "Build Bot once (then cached), Dana once: {lookups:?}");
    let auth = lookups[0].headers.iter().find(|(k, _)| k == "authorization").map(|(_, v)| v.clone());
    let expected = format!("Basic {}", base64_of(&format!(":{IDENTITY_PAT}")));
    assert_eq!(auth.as_deref(), Some(expected.as_str()), "the integration's own PAT");
}
on_both_backends!(a_mention_picked_in_the_ui_matches_the_automation_named_for_that_identity);

fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// A delivery whose fields are longer than their columns is stored (PostgreSQL's varchar refuses
/// what SQLite would keep): ids as their hash, names cut, and the delivery stored alongside others
/// in one group commit.
async fn over_long_fields_are_fitted_not_refused(app: TestApp) {
    let (id, endpoint, password) = crate::support::integrations::webhook_integration(&app).await;
    let long = "x".repeat(5000);
    let body = serde_json::json!({
        "id": long, "eventType": "git.push", "publisherId": long, "resourceVersion": long, "subscriptionId": long,
        "resource": { "repository": { "id": long, "name": long, "project": { "id": long, "name": long } },
            "refUpdates": [{ "name": format!("refs/heads/{long}") }], "pushedBy": { "displayName": long } },
    });
    let normal = fake_azure::payloads::Payload::new(fake_azure::payloads::Event::Push, "https://dev.azure.com/contoso");
    let (a, b) = tokio::join!(
        crate::support::webhooks::deliver(&app, &endpoint, Some(&password), body.to_string().into_bytes()),
        crate::support::webhooks::deliver(&app, &endpoint, Some(&password), normal.body()),
    );
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
    let stored = crate::support::webhooks::deliveries(&app, &id, None).await;
    assert_eq!(stored["totalCount"], 2, "{stored}");
    let nodes = crate::support::webhooks::nodes(&stored);
    let fitted =
        nodes.iter().find(|n| n["eventId"].as_str().is_some_and(|e| e.starts_with("sha256:"))).expect("fitted");
    assert!(fitted["repositoryId"].as_str().is_some_and(|r| r.starts_with("sha256:")), "{fitted}");
    assert_eq!(fitted["repository"].as_str().map(str::len), Some(200), "{fitted}");
}
on_both_backends!(over_long_fields_are_fitted_not_refused);
