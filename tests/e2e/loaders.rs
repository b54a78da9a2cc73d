//! DataLoaders: `automations`, `viewerAuthorization` and `automationRuns` asked of many parents in one
//! query answer as when each parent is asked alone, and a loader reads a whole batch with one statement.
//!
//! The server counts no SQL statements, so the bound is asserted on the loaders themselves, over a
//! second connection to the test's database that counts through SeaORM's metric callback.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use entity::{integration, user, user_authorization, webhook_delivery};
use fake_azure::payloads::{Event, Payload};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use vcslink_api::graphql::loaders::automation_runs::RunsOf;
use vcslink_api::graphql::loaders::automations::AutomationsOf;
use vcslink_api::graphql::loaders::for_request;
use vcslink_api::graphql::loaders::viewer_authorization::AuthorizationOf;

use crate::support::authorizations::SET_PAT;
use crate::support::automations::{Receiver, create, fast};
use crate::support::integrations::webhook_integration;
use crate::support::webhooks::deliver;
use crate::support::{ADMIN_TOKEN, Backend, TestApp, error_code, spawn_with};

const INTEGRATION: &str = "id name automations { id name } viewerAuthorization { method authenticatedAs }";
const DELIVERY: &str = "id automationRuns { automationId status attempts }";

async fn lists_answer_as_one_by_one(app: TestApp) {
    let receiver = Receiver::start(0).await;
    // Three integrations: two automations on the first, one on the second, none on the third; the
    // admin connects the first two, a member only the third.
    let mut ids = Vec::new();
    for (i, automations) in [2, 1, 0].into_iter().enumerate() {
        let (id, endpoint, password) = webhook_integration(&app).await;
        for a in 0..automations {
            let target = format!("{}/{i}/{a}", receiver.base);
            let input = json!({ "integrationId": id, "name": format!("a{i}{a}"), "eventTypes": ["CODE_PUSHED"],
                "targetUrl": target });
            create(&app, input).await;
        }
        for _ in 0..2 {
            let push = Payload::new(Event::Push, "https://dev.azure.com/contoso");
            assert_eq!(deliver(&app, &endpoint, Some(&password), push.body()).await.status(), 200);
        }
        ids.push(id);
    }
    let member = app.token("lee", "MEMBER").await;
    for (token, id) in [(ADMIN_TOKEN, &ids[0]), (ADMIN_TOKEN, &ids[1]), (member.as_str(), &ids[2])] {
        let i = json!({ "i": { "integrationId": id, "token": fake_azure::DEFAULT_PAT } });
        let set = app.gql_as(Some(token), SET_PAT, i).await;
        assert!(set.get("errors").is_none(), "{set}");
    }
    receiver.wait_for("/0/0", 2).await;
    receiver.wait_for("/0/1", 2).await;
    receiver.wait_for("/1/0", 2).await;

    let list = format!(
        "{{ azureDevOpsIntegrations(first: 10) {{ edges {{ node {{ {INTEGRATION} \
         deliveries(first: 20) {{ edges {{ node {{ {DELIVERY} }} }} }} }} }} }} }}"
    );
    let nodes = settled(&app, &list).await;
    assert_eq!(nodes.len(), 3);
    for (node, id) in nodes.iter().zip(&ids) {
        let alone = app
            .gql(
                &format!("query($id: ID!) {{ azureDevOpsIntegration(id: $id) {{ {INTEGRATION} }} }}"),
                json!({ "id": id }),
            )
            .await;
        let alone = &alone["data"]["azureDevOpsIntegration"];
        for field in ["id", "name", "automations", "viewerAuthorization"] {
            assert_eq!(node[field], alone[field], "{field} of {id}");
        }
        for edge in node["deliveries"]["edges"].as_array().expect("deliveries") {
            let d = &edge["node"];
            let q = format!("query($id: ID!) {{ node(id: $id) {{ ... on WebhookDelivery {{ {DELIVERY} }} }} }}");
            let alone = app.gql(&q, json!({ "id": d["id"] })).await;
            assert_eq!(d, &alone["data"]["node"]);
        }
    }
    let names =
        |n: &Value| n["automations"].as_array().map(|a| a.iter().map(|x| x["name"].clone()).collect::<Vec<_>>());
    assert_eq!(names(&nodes[0]), Some(vec![json!("a00"), json!("a01")]), "oldest first");
    assert_eq!(names(&nodes[2]), Some(vec![]));
    let runs = |n: &Value, d: usize| n["deliveries"]["edges"][d]["node"]["automationRuns"].as_array().map(Vec::len);
    assert_eq!([runs(&nodes[0], 0), runs(&nodes[1], 1), runs(&nodes[2], 0)], [Some(2), Some(1), Some(0)]);
    assert_eq!(nodes[0]["viewerAuthorization"]["method"], "PERSONAL_ACCESS_TOKEN");
    assert!(nodes[2]["viewerAuthorization"].is_null(), "the member's authorization is not the admin's");

    // The member sees only their own authorization; automations stay ADMIN-only.
    let q = "{ azureDevOpsIntegrations { edges { node { viewerAuthorization { method } } } } }";
    let theirs = app.gql_as(Some(&member), q, json!({})).await;
    let theirs: Vec<bool> = edges(&theirs).iter().map(|n| n["viewerAuthorization"].is_null()).collect();
    assert_eq!(theirs, [true, true, false]);
    let forbidden = app
        .gql_as(Some(&member), "{ azureDevOpsIntegrations { edges { node { automations { id } } } } }", json!({}))
        .await;
    assert_eq!(error_code(&forbidden), Some("FORBIDDEN"));

    one_statement_per_batch(&app).await;
}

#[tokio::test]
async fn lists_answer_as_one_by_one_on_sqlite() {
    lists_answer_as_one_by_one(spawn_with(Backend::Sqlite, fast).await.expect("sqlite")).await;
}

#[tokio::test]
async fn lists_answer_as_one_by_one_on_postgres() {
    if let Some(app) = spawn_with(Backend::Postgres, fast).await {
        lists_answer_as_one_by_one(app).await;
    }
}

/// The integration nodes of `query` once every automation run is SENT (sends finish in the background).
async fn settled(app: &TestApp, query: &str) -> Vec<Value> {
    for _ in 0..100 {
        let body = app.gql(query, json!({})).await;
        assert!(body.get("errors").is_none(), "{body}");
        let nodes = edges(&body);
        let pending = nodes
            .iter()
            .flat_map(|n| n["deliveries"]["edges"].as_array().cloned().unwrap_or_default())
            .flat_map(|d| d["node"]["automationRuns"].as_array().cloned().unwrap_or_default())
            .any(|r| r["status"] != "SENT");
        if !pending {
            return nodes;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("automation runs never settled");
}

fn edges(body: &Value) -> Vec<Value> {
    let edges = body["data"]["azureDevOpsIntegrations"]["edges"].as_array().cloned().unwrap_or_default();
    edges.into_iter().map(|e| e["node"].clone()).collect()
}

/// Every parent's key asked at once, as sibling fields do: one statement per loader.
async fn one_statement_per_batch(app: &TestApp) {
    let mut db = vcslink_api::store::connect(&app.config.database_url).await.expect("connect");
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    db.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let integrations = integration::Entity::find().order_by_asc(integration::Column::Id).all(&db).await.expect("rows");
    let admin =
        user::Entity::find().filter(user::Column::Name.eq("admin")).one(&db).await.expect("row").expect("admin");
    let deliveries = webhook_delivery::Entity::find().all(&db).await.expect("rows");
    let stored_auths = user_authorization::Entity::find()
        .filter(user_authorization::Column::UserId.eq(admin.id.as_str()))
        .all(&db)
        .await
        .expect("rows");
    let before = statements.load(Ordering::SeqCst);

    let loaders = for_request(db);
    let automations = futures::future::join_all(
        integrations
            .iter()
            .map(|i| loaders.load_one(AutomationsOf { tenant_id: i.tenant_id.clone(), integration_id: i.id.clone() })),
    );
    let auths = futures::future::join_all(integrations.iter().map(|i| {
        loaders.load_one(AuthorizationOf {
            tenant_id: i.tenant_id.clone(),
            user_id: admin.id.clone(),
            integration_id: i.id.clone(),
        })
    }));
    let runs = futures::future::join_all(deliveries.iter().map(|d| loaders.load_one(RunsOf(d.id.clone()))));
    let (automations, auths, runs) = futures::join!(automations, auths, runs);

    assert_eq!(statements.load(Ordering::SeqCst) - before, 3, "one statement per loader");
    let counts: Vec<usize> = automations.into_iter().map(|a| a.expect("load").map_or(0, |v| v.len())).collect();
    assert_eq!(counts, [2, 1, 0]);
    let found: Vec<String> = auths.into_iter().filter_map(|a| a.expect("load")).map(|a| a.id).collect();
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|id| stored_auths.iter().any(|s| &s.id == id)), "only the admin's own");
    let sends: usize = runs.into_iter().map(|r| r.expect("load").map_or(0, |v| v.len())).sum();
    assert_eq!(sends, 2 * 2 + 2);
}
