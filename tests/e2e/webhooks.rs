//! Service Hook deliveries over HTTP: authentication answers, normalization of every event type in
//! both resource versions, dedup (also concurrent), durability, 503 on a database fault, 410 after unlink.

use fake_azure::payloads::{Event, Payload};
use fake_azure::{API_GATEWAY_REPO_ID, PLATFORM_PROJECT_ID};
use serde_json::{Value, json};

use crate::support::integrations::webhook_integration;
use crate::support::webhooks::{deliver, deliveries, nodes};
use crate::support::{TestApp, error_code, on_both_backends, queries};

async fn every_event_type_in_both_resource_versions_is_stored_and_normalized(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    let bases = ["https://dev.azure.com/contoso", "https://Contoso.visualstudio.com"];
    let mut sent = Vec::new();
    for event in Event::ALL {
        for (i, version) in ["1.0", "2.0"].into_iter().enumerate() {
            let p = Payload::new(event, bases[i]).version(version);
            let resp = deliver(&app, &endpoint, Some(&password), p.body()).await;
            assert_eq!(resp.status(), 200, "{event:?} {version}");
            sent.push(p);
        }
    }
    let other = json!({"id": "other-1", "eventType": "build.complete", "publisherId": "tfs", "resource": {}});
    assert_eq!(deliver(&app, &endpoint, Some(&password), other.to_string().into_bytes()).await.status(), 200);

    let all = deliveries(&app, &id, None).await;
    assert_eq!(all["totalCount"], 13);
    let by_event: std::collections::HashMap<String, Value> =
        nodes(&all).into_iter().map(|n| (n["eventId"].as_str().unwrap_or_default().to_owned(), n)).collect();
    for p in &sent {
        let d = &by_event[&p.id];
        let ctx = format!("{:?} {}: {d}", p.event, p.resource_version);
        assert_eq!(d["rawEventType"], p.event.event_type(), "{ctx}");
        assert_eq!(d["organization"], "contoso", "{ctx}");
        assert_eq!(d["outcome"], "PROCESSED", "{ctx}");
        assert_eq!(d["resourceVersion"], p.resource_version, "{ctx}");
        assert_eq!(d["projectId"], PLATFORM_PROJECT_ID, "{ctx}");
        assert_eq!(d["duplicateCount"], 0);
        assert_eq!(d["notificationId"], "14");
        match p.event {
            Event::Push => {
                assert_eq!(d["eventType"], "CODE_PUSHED");
                assert_eq!(d["ref"], "refs/heads/main");
                assert_eq!(d["branch"], "main");
                assert_eq!(d["commits"][0]["id"], "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d");
                assert_eq!(d["commits"][0]["message"], "Tune limiter defaults");
                assert_eq!(d["actor"], "Dana Kim");
                assert_eq!(d["repository"], "api-gateway");
                assert_eq!(d["repositoryId"], API_GATEWAY_REPO_ID);
                assert_eq!(d["project"], "Platform");
            }
            Event::PullRequestCreated | Event::PullRequestUpdated | Event::PullRequestMerged => {
                let want = match p.event {
                    Event::PullRequestCreated => "PULL_REQUEST_CREATED",
                    Event::PullRequestUpdated => "PULL_REQUEST_UPDATED",
                    _ => "PULL_REQUEST_MERGE_ATTEMPTED",
                };
                assert_eq!(d["eventType"], want);
                assert_eq!(d["pullRequestNumber"], 318);
                assert_eq!(d["branch"], "main");
                assert_eq!(d["sourceBranch"], "feature/rate-limit");
                assert_eq!(d["repository"], "api-gateway");
                assert_eq!(d["project"], "Platform");
                assert_eq!(d["actor"], "Dana Kim");
            }
            Event::PullRequestCommented => {
                assert_eq!(d["eventType"], "PULL_REQUEST_COMMENTED");
                assert_eq!(d["pullRequestNumber"], 318, "{ctx}");
                assert_eq!(d["repositoryId"], API_GATEWAY_REPO_ID, "{ctx}");
                assert_eq!(d["commentText"], "/bot retry");
                assert_eq!(d["actor"], "Dana Kim");
                if p.resource_version == "2.0" {
                    assert_eq!(d["repository"], "api-gateway");
                    assert_eq!(d["project"], "Platform");
                }
            }
            Event::WorkItemCommented => {
                assert_eq!(d["eventType"], "WORK_ITEM_COMMENTED");
                assert_eq!(d["workItemId"], 4521);
                assert_eq!(d["project"], "Platform");
                assert_eq!(d["commentText"], "Deployed to staging in build 20250304.3");
                assert!(d["repository"].is_null());
            }
        }
        let raw: Value = serde_json::from_str(d["payload"].as_str().expect("payload")).expect("payload is JSON");
        assert_eq!(raw["id"], p.id.as_str());
    }
    let other = &by_event["other-1"];
    assert_eq!(other["eventType"], "OTHER");
    assert_eq!(other["rawEventType"], "build.complete");
    assert_eq!(other["outcome"], "QUARANTINED", "an unknown event type is kept, not routed");

    // Filter by type.
    let comments = deliveries(&app, &id, Some("PULL_REQUEST_COMMENTED")).await;
    assert_eq!(comments["totalCount"], 2);
    assert!(nodes(&comments).iter().all(|n| n["eventType"] == "PULL_REQUEST_COMMENTED"));
    // The integration shows when the last delivery arrived.
    let it = app.gql(&queries::get(), json!({ "id": id })).await;
    assert!(it["data"]["azureDevOpsIntegration"]["webhook"]["lastDeliveryAt"].is_string(), "{it}");
}
on_both_backends!(every_event_type_in_both_resource_versions_is_stored_and_normalized);

async fn refused_deliveries_store_nothing(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    let body = Payload::new(Event::Push, "https://dev.azure.com/contoso").body();

    let wrong = deliver(&app, &endpoint, Some("not-the-password-at-all"), body.clone()).await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(wrong.headers()["www-authenticate"], "Basic realm=\"vcslink\"");
    let missing = deliver(&app, &endpoint, None, body.clone()).await;
    assert_eq!(missing.status(), 401);
    assert_eq!(missing.headers()["www-authenticate"], "Basic realm=\"vcslink\"");

    let base = endpoint.rsplit_once('/').expect("endpoint has an id").0;
    let unknown = deliver(&app, &format!("{base}/{}", uuid::Uuid::now_v7()), Some(&password), body.clone()).await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(unknown.headers()["www-authenticate"], "Basic realm=\"vcslink\"");
    let garbage = deliver(&app, &format!("{base}/not-an-id"), Some(&password), body.clone()).await;
    assert_eq!(garbage.status(), 401);

    // Authenticated bodies that cannot be used are acknowledged and kept: webhook_quarantine.rs.
    assert_eq!(deliveries(&app, &id, None).await["totalCount"], 0);
}
on_both_backends!(refused_deliveries_store_nothing);

async fn a_duplicate_is_acknowledged_counted_and_processed_once(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    let p = Payload::new(Event::PullRequestCreated, "https://dev.azure.com/contoso").without_notification_id();
    for _ in 0..2 {
        assert_eq!(deliver(&app, &endpoint, Some(&password), p.body()).await.status(), 200);
    }
    // Eight replicas' worth of concurrent retries of another event.
    let q = Payload::new(Event::Push, "https://dev.azure.com/contoso");
    let sends = (0..8).map(|_| deliver(&app, &endpoint, Some(&password), q.body()));
    for resp in futures::future::join_all(sends).await {
        assert_eq!(resp.status(), 200);
    }
    let all = deliveries(&app, &id, None).await;
    assert_eq!(all["totalCount"], 2, "{all}");
    let list = nodes(&all);
    let pr = list.iter().find(|n| n["eventId"] == p.id.as_str()).expect("pr delivery");
    assert_eq!(pr["duplicateCount"], 1);
    assert!(pr["notificationId"].is_null());
    let push = list.iter().find(|n| n["eventId"] == q.id.as_str()).expect("push delivery");
    assert_eq!(push["duplicateCount"], 7);
}
on_both_backends!(a_duplicate_is_acknowledged_counted_and_processed_once);

/// A push drops the cached answers about its repository at once: the next query asks Azure DevOps
/// again and sees the pushed branch (without the push, the cache answers for its whole TTL).
async fn a_push_drops_the_cached_answers_about_its_repository(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    let query = "query($id: ID!) { repository(integrationId: $id, fullName: \"contoso/Platform/api-gateway\") { branches(first: 100) { edges { node { name } } } } }";
    let has_pushed = |body: &Value| {
        nodes(&body["data"]["repository"]["branches"])
            .iter()
            .any(|b| b["name"].as_str().is_some_and(|n| n.ends_with("feature/pushed")))
    };
    let before = app.gql(query, json!({ "id": id })).await;
    assert!(before.get("errors").is_none() && !has_pushed(&before), "{before}");
    app.fake.add_branch("contoso", "api-gateway", "feature/pushed", None);
    let cached = app.gql(query, json!({ "id": id })).await;
    assert!(!has_pushed(&cached), "the cache answers until something changes: {cached}");

    let push = Payload::new(Event::Push, "https://dev.azure.com/contoso").ref_name("refs/heads/feature/pushed");
    assert_eq!(deliver(&app, &endpoint, Some(&password), push.body()).await.status(), 200);
    let after = app.gql(query, json!({ "id": id })).await;
    assert!(has_pushed(&after), "a push to the repository drops its cached branches: {after}");
}
on_both_backends!(a_push_drops_the_cached_answers_about_its_repository);

async fn an_unlinked_integration_answers_gone(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    let body = app.gql(queries::UNLINK, json!({ "id": id })).await;
    assert!(body.get("errors").is_none(), "{body}");
    let resp =
        deliver(&app, &endpoint, Some(&password), Payload::new(Event::Push, "https://dev.azure.com/contoso").body())
            .await;
    assert_eq!(resp.status(), 410);

    // Without its password an unlinked id looks like an id that never existed: no enumeration.
    let push = || Payload::new(Event::Push, "https://dev.azure.com/contoso").body();
    assert_eq!(deliver(&app, &endpoint, Some("not-the-password"), push()).await.status(), 401);
    assert_eq!(deliver(&app, &endpoint, None, push()).await.status(), 401);
    let (base, _) = endpoint.rsplit_once('/').expect("endpoint ends with the integration id");
    let never = format!("{base}/00000000-0000-4000-8000-000000000000");
    assert_eq!(deliver(&app, &never, Some(&password), push()).await.status(), 401);
}
on_both_backends!(an_unlinked_integration_answers_gone);

async fn the_ledger_pages_and_a_replay_routes_again(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    for _ in 0..5 {
        let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
        assert_eq!(deliver(&app, &endpoint, Some(&password), p.body()).await.status(), 200);
    }
    let q = "query($id: ID!, $after: String) { azureDevOpsIntegration(id: $id) { deliveries(first: 2, after: $after) { \
             totalCount pageInfo { hasNextPage endCursor } edges { node { id processedAt } } } } }";
    let mut after: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let body = app.gql(q, json!({ "id": id, "after": after })).await;
        let conn = &body["data"]["azureDevOpsIntegration"]["deliveries"];
        assert_eq!(conn["totalCount"], 5);
        seen.extend(nodes(conn).into_iter().map(|n| n["id"].as_str().unwrap_or_default().to_owned()));
        if conn["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 5);
    seen.dedup();
    assert_eq!(seen.len(), 5);

    let replay = "mutation($id: ID!) { replayDelivery(input: { id: $id, clientMutationId: \"r1\" }) { \
                  clientMutationId delivery { id outcome processedAt } } }";
    let body = app.gql(replay, json!({ "id": seen[0] })).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["replayDelivery"]["clientMutationId"], "r1");
    assert_eq!(body["data"]["replayDelivery"]["delivery"]["outcome"], "PROCESSED");
    let node = app
        .gql("query($id: ID!) { node(id: $id) { id ... on WebhookDelivery { eventType } } }", json!({ "id": seen[0] }))
        .await;
    assert_eq!(node["data"]["node"]["eventType"], "CODE_PUSHED");

    // A member may not read the ledger or replay; another kind of ID names nothing.
    let member = app.token("dev", "MEMBER").await;
    let body = app.gql_as(Some(&member), replay, json!({ "id": seen[0] })).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let body = app.gql(replay, json!({ "id": id })).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"));
}
on_both_backends!(the_ledger_pages_and_a_replay_routes_again);
