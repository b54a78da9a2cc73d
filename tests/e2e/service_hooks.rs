//! Service hooks managed for the user: install → drift (disabled and deleted in the fake) →
//! repair → rotate (old password accepted in the grace window, refused after) → unlink removes them.

use std::time::Duration;

use fake_azure::payloads::{Event, Payload};
use fake_azure::{API_GATEWAY_REPO_ID, DEFAULT_ORG, PLATFORM_PROJECT_ID};
use serde_json::{Value, json};

use crate::support::integrations::webhook_integration;
use crate::support::webhooks::deliver;
use crate::support::{Backend, TestApp, error_code, spawn_with};

const HOOKS: &str = "query($id: ID!) { azureDevOpsIntegration(id: $id) { serviceHooks { \
    id subscriptionId eventType rawEventType project repository state stateMessage createdAt } } }";

async fn hooks(app: &TestApp, id: &str) -> Vec<Value> {
    let body = app.gql(HOOKS, json!({ "id": id })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["azureDevOpsIntegration"]["serviceHooks"].as_array().cloned().unwrap_or_default()
}

fn states(list: &[Value]) -> Vec<String> {
    list.iter().map(|h| h["state"].as_str().unwrap_or_default().to_owned()).collect()
}

async fn hooks_live_their_whole_life(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    let install = "mutation($i: InstallServiceHooksInput!) { installServiceHooks(input: $i) { clientMutationId \
                   serviceHooks { subscriptionId eventType project repository state } } }";

    // Install every event on one repository.
    let body = app
        .gql(install, json!({ "i": { "integrationId": id, "project": "Platform", "repository": "api-gateway", "clientMutationId": "h1" } }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let installed = body["data"]["installServiceHooks"]["serviceHooks"].as_array().cloned().unwrap_or_default();
    assert_eq!(body["data"]["installServiceHooks"]["clientMutationId"], "h1");
    assert_eq!(installed.len(), 6);
    assert!(installed.iter().all(|h| h["state"] == "ENABLED" && h["project"] == "Platform"));
    let subs = app.fake.hook_subscriptions(DEFAULT_ORG);
    assert_eq!(subs.len(), 6);
    for s in &subs {
        assert_eq!(s["consumerId"], "webHooks");
        assert_eq!(s["consumerActionId"], "httpRequest");
        assert_eq!(s["consumerInputs"]["url"], endpoint.as_str());
        assert_eq!(s["consumerInputs"]["basicAuthPassword"], password.as_str());
        assert_eq!(s["publisherInputs"]["projectId"], PLATFORM_PROJECT_ID);
        if s["eventType"] == "workitem.commented" {
            assert!(s["publisherInputs"].get("repository").is_none());
        } else {
            assert_eq!(s["publisherInputs"]["repository"], API_GATEWAY_REPO_ID);
        }
        let want = if s["eventType"] == "ms.vss-code.git-pullrequest-comment-event" { "2.0" } else { "1.0" };
        assert_eq!(s["resourceVersion"], want);
    }
    // Installing again creates nothing new.
    let again = app
        .gql(install, json!({ "i": { "integrationId": id, "project": "Platform", "repository": "api-gateway" } }))
        .await;
    assert_eq!(again["data"]["installServiceHooks"]["serviceHooks"].as_array().map(Vec::len), Some(6));
    assert_eq!(app.fake.hook_subscriptions(DEFAULT_ORG).len(), 6);
    // An unknown project is a validation error.
    let bad = app.gql(install, json!({ "i": { "integrationId": id, "project": "Nope" } })).await;
    assert_eq!(error_code(&bad), Some("VALIDATION"));

    // Drift: one disabled by the system, one deleted, one disabled by a person, one whose owner left.
    let list = hooks(&app, &id).await;
    assert_eq!(states(&list), vec!["ENABLED"; 6]);
    let disabled = list[0]["subscriptionId"].as_str().expect("sub").to_owned();
    let deleted = list[1]["subscriptionId"].as_str().expect("sub").to_owned();
    let by_user = list[2]["subscriptionId"].as_str().expect("sub").to_owned();
    let orphaned = list[3]["subscriptionId"].as_str().expect("sub").to_owned();
    app.fake.set_hook_status(DEFAULT_ORG, &disabled, "disabledBySystem");
    app.fake.remove_hook(DEFAULT_ORG, &deleted);
    app.fake.set_hook_status(DEFAULT_ORG, &by_user, "disabledByUser");
    app.fake.set_hook_status(DEFAULT_ORG, &orphaned, "disabledByInactiveIdentity");
    let drifted = hooks(&app, &id).await;
    assert_eq!(drifted[0]["state"], "DISABLED_BY_SYSTEM");
    assert_eq!(drifted[1]["state"], "MISSING");
    let node = app
        .gql(
            "query($id: ID!) { node(id: $id) { ... on ServiceHookSubscription { state } } }",
            json!({ "id": drifted[0]["id"] }),
        )
        .await;
    assert_eq!(node["data"]["node"]["state"], "DISABLED_BY_SYSTEM");

    // Repair.
    let repair = "mutation($id: ID!) { repairServiceHooks(input: { integrationId: $id, clientMutationId: \"r\" }) { \
                  repaired clientMutationId serviceHooks { subscriptionId state } } }";
    let body = app.gql(repair, json!({ "id": id })).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["repairServiceHooks"]["repaired"], 4);
    let repaired = hooks(&app, &id).await;
    assert_eq!(states(&repaired), vec!["ENABLED"; 6]);
    assert_ne!(repaired[1]["subscriptionId"], deleted.as_str(), "a deleted subscription is re-created");
    // An update cannot revive a system-disabled or orphaned subscription: each is deleted and made anew.
    assert_ne!(repaired[0]["subscriptionId"], disabled.as_str(), "{repaired:?}");
    assert_ne!(repaired[3]["subscriptionId"], orphaned.as_str(), "{repaired:?}");
    assert_eq!(repaired[2]["subscriptionId"], by_user.as_str(), "one a person disabled is re-enabled in place");
    let live: Vec<String> =
        app.fake.hook_subscriptions(DEFAULT_ORG).iter().map(|h| h["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(live.len(), 6, "{live:?}");
    assert!(!live.contains(&disabled) && !live.contains(&orphaned), "the dead ones are gone: {live:?}");

    // Rotate: the subscriptions carry the new password; the old one works only during the grace window.
    let rotate = "mutation($id: ID!) { rotateWebhookPassword(input: { integrationId: $id }) { webhookPassword updatedServiceHooks } }";
    let body = app.gql(rotate, json!({ "id": id })).await;
    assert!(body.get("errors").is_none(), "{body}");
    let new_password = body["data"]["rotateWebhookPassword"]["webhookPassword"].as_str().expect("new").to_owned();
    assert_eq!(body["data"]["rotateWebhookPassword"]["updatedServiceHooks"], 6);
    for s in app.fake.hook_subscriptions(DEFAULT_ORG) {
        assert_eq!(s["consumerInputs"]["basicAuthPassword"], new_password.as_str());
    }
    let push = || Payload::new(Event::Push, "https://dev.azure.com/contoso").body();
    assert_eq!(deliver(&app, &endpoint, Some(&password), push()).await.status(), 200, "old password in grace");
    assert_eq!(deliver(&app, &endpoint, Some(&new_password), push()).await.status(), 200);
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    assert_eq!(deliver(&app, &endpoint, Some(&password), push()).await.status(), 401, "old password after grace");
    assert_eq!(deliver(&app, &endpoint, Some(&new_password), push()).await.status(), 200);

    // Unlink removes them (one already gone counts as removed).
    let gone = app.fake.hook_subscriptions(DEFAULT_ORG)[2]["id"].as_str().expect("id").to_owned();
    app.fake.remove_hook(DEFAULT_ORG, &gone);
    let body = app.gql(crate::support::queries::UNLINK, json!({ "id": id })).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["unlinkAzureDevOpsIntegration"]["removedServiceHooks"], 6);
    assert!(app.fake.hook_subscriptions(DEFAULT_ORG).is_empty());
}

fn short_grace(c: &mut vcslink_api::config::Config) {
    c.webhook_password_grace = Duration::from_secs(2);
    crate::support::public_url(c);
}

#[tokio::test]
async fn service_hooks_live_their_whole_life_on_sqlite() {
    hooks_live_their_whole_life(spawn_with(Backend::Sqlite, short_grace).await.expect("sqlite")).await;
}

#[tokio::test]
async fn service_hooks_live_their_whole_life_on_postgres() {
    if let Some(app) = spawn_with(Backend::Postgres, short_grace).await {
        hooks_live_their_whole_life(app).await;
    }
}

/// The same event on a whole project and on one of its repositories: each event arrives twice,
/// so both hooks say so (and the delivery is stored once).
async fn overlapping_hooks_are_flagged_and_deliver_once(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    let install =
        "mutation($i: InstallServiceHooksInput!) { installServiceHooks(input: $i) { serviceHooks { eventType } } }";
    let project = json!({ "i": { "integrationId": id, "project": "Platform", "events": ["CODE_PUSHED"] } });
    let repo = json!({ "i": { "integrationId": id, "project": "Platform", "repository": "api-gateway",
        "events": ["CODE_PUSHED", "PULL_REQUEST_CREATED"] } });
    for input in [project, repo] {
        let body = app.gql(install, input).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let list =
        "query($id: ID!) { azureDevOpsIntegration(id: $id) { serviceHooks { rawEventType repository warnings } } }";
    let body = app.gql(list, json!({ "id": id })).await;
    let hooks = body["data"]["azureDevOpsIntegration"]["serviceHooks"].as_array().expect("hooks").clone();
    assert_eq!(hooks.len(), 3, "{body}");
    for hook in &hooks {
        let warnings = hook["warnings"].as_array().expect("warnings");
        if hook["rawEventType"] == "git.push" {
            let w = warnings[0].as_str().unwrap_or_else(|| panic!("an overlap: {hook}"));
            assert!(w.contains("overlaps") && w.contains("Platform"), "{w}");
        } else {
            assert!(warnings.is_empty(), "{hook}");
        }
    }
    // Both would deliver the same push: it is stored once.
    let push = Payload::new(Event::Push, &app.org_url()).body();
    for _ in 0..2 {
        assert_eq!(deliver(&app, &endpoint, Some(&password), push.clone()).await.status(), 200);
    }
    let stored = "query($id: ID!) { azureDevOpsIntegration(id: $id) { deliveries { totalCount } } }";
    let body = app.gql(stored, json!({ "id": id })).await;
    assert_eq!(body["data"]["azureDevOpsIntegration"]["deliveries"]["totalCount"], 1, "{body}");
}

#[tokio::test]
async fn overlapping_hooks_are_flagged_and_deliver_once_on_sqlite() {
    let app = spawn_with(Backend::Sqlite, crate::support::public_url).await.expect("sqlite");
    overlapping_hooks_are_flagged_and_deliver_once(app).await;
}

#[tokio::test]
async fn overlapping_hooks_are_flagged_and_deliver_once_on_postgres() {
    if let Some(app) = spawn_with(Backend::Postgres, crate::support::public_url).await {
        overlapping_hooks_are_flagged_and_deliver_once(app).await;
    }
}
