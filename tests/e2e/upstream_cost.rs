//! Cost that means work (issue "abuse costs the abuser", point 3): the upstream call budget
//! answers before any call, a batch shares it and counts against the rate limit, an allow-list
//! costs one call per page, an integration's calls in flight are capped, and Azure DevOps'
//! pacing of an identity reaches later requests.

use std::time::Duration;

use fake_azure::Behaviour;
use serde_json::{Value, json};

use crate::support::integrations::pat_integration;
use crate::support::{ADMIN_TOKEN, Backend, TestApp, error_code, on_both_backends, spawn_with};

/// `repositories(first: 100) { pullRequests(first: 100) { comments(first: 100) } }`: about
/// 10,000 upstream calls from one small query.
const FAN_OUT: &str = "query($id: ID!) { azureDevOpsIntegration(id: $id) { repositories(first: 100) { edges { node {
    pullRequests(first: 100) { edges { node { comments(first: 100) { edges { node { id } } } } } } } } } } }";

/// One call for the list, then one per repository for its branches: `1 + $n` calls.
const BRANCHES_OF_EACH: &str = "query($id: ID!, $n: Int!) { azureDevOpsIntegration(id: $id) { repositories(first: $n) {
    edges { node { name branches(first: 1) { edges { node { name } } } } } } } }";

async fn batch(app: &TestApp, operations: &[Value]) -> Value {
    let resp = app
        .http
        .post(format!("{}/graphql", app.base))
        .bearer_auth(ADMIN_TOKEN)
        .json(&operations)
        .send()
        .await
        .expect("post");
    resp.json().await.expect("json")
}

async fn a_fan_out_query_is_refused_before_any_call(app: TestApp) {
    let id = pat_integration(&app, json!({})).await;
    app.fake.clear_requests();
    let body = app.gql(FAN_OUT, json!({ "id": id })).await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
    let ext = &body["errors"][0]["extensions"];
    assert_eq!(ext["upstreamCalls"], 1 + 100 + 100 * 100, "{body}");
    assert_eq!(ext["upstreamCallBudget"], 100);
    assert!(ext["hint"].as_str().is_some_and(|h| h.contains("first")), "{body}");
    assert!(ext.get("retryAfterSeconds").is_none(), "waiting would not help: {body}");
    assert!(app.fake.requests().is_empty(), "no call was made: {:?}", app.fake.requests());

    // The count is the query's bound, not what the fake happens to hold: 1 + 100 is over, 1 + 99 is not.
    let over = app.gql(BRANCHES_OF_EACH, json!({ "id": id, "n": 100 })).await;
    assert_eq!(error_code(&over), Some("RATE_LIMITED"), "{over}");
    assert_eq!(over["errors"][0]["extensions"]["upstreamCalls"], 101);
    let within = app.gql(BRANCHES_OF_EACH, json!({ "id": id, "n": 99 })).await;
    assert!(within.get("errors").is_none(), "{within}");
    let repos = within["data"]["azureDevOpsIntegration"]["repositories"]["edges"].as_array().expect("edges");
    assert!(!repos.is_empty());
}
on_both_backends!(a_fan_out_query_is_refused_before_any_call);

async fn the_operations_of_a_batch_share_one_budget(app: TestApp) {
    let id = pat_integration(&app, json!({})).await;
    let sixty = json!({ "query": BRANCHES_OF_EACH, "variables": { "id": id, "n": 59 } });
    let answers = batch(&app, &[sixty.clone(), sixty]).await;
    assert!(answers[0].get("errors").is_none(), "the first finds the whole budget: {answers}");
    assert_eq!(error_code(&answers[1]), Some("RATE_LIMITED"), "the second finds 40 left: {answers}");
    assert_eq!(answers[1]["errors"][0]["extensions"]["upstreamCalls"], 60);
    // Stored data costs no upstream call: a batch of it is never refused by the budget.
    let stored = json!({ "query": "{ azureDevOpsIntegrations(first: 100) { edges { node { id } } } }" });
    let answers = batch(&app, &[stored.clone(), stored.clone(), stored]).await;
    assert!(answers.as_array().expect("answers").iter().all(|a| a.get("errors").is_none()), "{answers}");
}
on_both_backends!(the_operations_of_a_batch_share_one_budget);

#[tokio::test]
async fn each_operation_of_a_batch_counts_against_the_rate_limit() {
    // 2 per second, burst 4.
    let app = spawn_with(Backend::Sqlite, |c| c.token_rate_limit = 2).await.expect("sqlite");
    let viewer = json!({ "query": "{ viewer { user } }" });
    let over = batch(&app, &vec![viewer.clone(); 5]).await;
    let refused = over.as_array().map_or(vec![&over], |a| a.iter().collect());
    assert!(refused.iter().all(|a| error_code(a) == Some("RATE_LIMITED")), "five at once are over the burst: {over}");
    let three = batch(&app, &vec![viewer.clone(); 3]).await;
    assert!(three.as_array().expect("answers").iter().all(|a| a.get("errors").is_none()), "{three}");
    let two_more = batch(&app, &vec![viewer; 2]).await;
    let answers = two_more.as_array().map_or(vec![&two_more], |a| a.iter().collect());
    assert!(
        answers.iter().all(|a| error_code(a) == Some("RATE_LIMITED")),
        "three of the burst of four are spent (a refill of a fraction cannot cover two): {two_more}"
    );
}

async fn an_allow_list_costs_one_call_per_page(app: TestApp) {
    let mut allowed = Vec::new();
    for n in 0..30 {
        let project = format!("Team-{n:02}");
        app.fake.add_project("contoso", &project);
        app.fake.add_repository("contoso", &project, &format!("svc-{n:02}"));
        allowed.push(project);
    }
    let id = pat_integration(&app, json!({ "accessibleProjects": allowed })).await;
    app.fake.clear_requests();
    let repos = "query($id: ID!) { azureDevOpsIntegration(id: $id) { repositories(first: 50) { totalCount edges { node { name project } } } } }";
    let body = app.gql(repos, json!({ "id": id })).await;
    let edges = body["data"]["azureDevOpsIntegration"]["repositories"]["edges"].as_array().expect("edges").clone();
    assert_eq!(edges.len(), 30, "{body}");
    assert!(edges.iter().all(|e| e["node"]["project"].as_str().is_some_and(|p| p.starts_with("Team-"))));
    assert_eq!(app.fake.request_count("/_apis/git/repositories"), 1, "thirty allowed projects, one call");

    // Projects: pages of 7 walk the organization's list, each page one call.
    let projects =
        "query($id: ID!, $after: String) { azureDevOpsIntegration(id: $id) { projects(first: 7, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { name } } } } }";
    let (mut seen, mut after, mut pages) = (Vec::new(), Value::Null, 0);
    loop {
        app.fake.clear_requests();
        let body = app.gql(projects, json!({ "id": id, "after": after })).await;
        assert!(body.get("errors").is_none(), "{body}");
        assert!(app.fake.request_count("/_apis/projects") <= 1, "one call per page");
        let conn = &body["data"]["azureDevOpsIntegration"]["projects"];
        seen.extend(
            conn["edges"].as_array().expect("edges").iter().map(|e| e["node"]["name"].as_str().unwrap().to_owned()),
        );
        pages += 1;
        if conn["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
        assert!(pages < 10, "{body}");
    }
    seen.sort();
    let mut want = allowed.clone();
    want.sort();
    assert_eq!(seen, want, "every allowed project once, no other");
    assert_eq!(pages, 5, "30 projects in pages of 7");
}
on_both_backends!(an_allow_list_costs_one_call_per_page);

#[tokio::test]
async fn an_integrations_calls_in_flight_wait_their_turn() {
    let app = spawn_with(Backend::Sqlite, |c| c.upstream_concurrency = 2).await.expect("sqlite");
    let mut names = Vec::new();
    for n in 0..6 {
        names.push(format!("contoso/Platform/turn-{n}"));
        app.fake.add_repository("contoso", "Platform", &format!("turn-{n}"));
    }
    let id = pat_integration(&app, json!({})).await;
    app.fake.set_behaviour("contoso", Behaviour::Slow(Duration::from_millis(150)));
    app.fake.reset_most_in_flight();
    let one = "query($id: ID!, $name: String!) { repository(integrationId: $id, fullName: $name) { name } }";
    let reads = names.iter().map(|name| app.gql(one, json!({ "id": id, "name": name })));
    let bodies = futures::future::join_all(reads).await;
    for body in &bodies {
        assert!(body["data"]["repository"]["name"].is_string(), "{body}");
    }
    let most = app.fake.most_in_flight("contoso");
    assert!((1..=2).contains(&most), "at most 2 calls at once, saw {most}");
}

async fn pacing_asked_for_by_azure_devops_holds_back_later_requests(app: TestApp) {
    let id = pat_integration(&app, json!({})).await;
    // One answer that still serves the call (200), with the headers of a delayed identity.
    app.fake.set_behaviour("contoso", Behaviour::Sequence(vec![Behaviour::Delayed { retry_after_secs: 120 }]));
    let first =
        "query($id: ID!) { repository(integrationId: $id, fullName: \"contoso/Platform/api-gateway\") { name } }";
    let body = app.gql(first, json!({ "id": id })).await;
    assert_eq!(body["data"]["repository"]["name"], "api-gateway", "{body}");
    app.fake.clear_requests();
    // A later request, of another resource: this identity is paced, so no call is made.
    let later = "query($id: ID!) { repository(integrationId: $id, fullName: \"contoso/Platform/billing\") { name } }";
    let body = app.gql(later, json!({ "id": id })).await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
    let retry = body["errors"][0]["extensions"]["retryAfterSeconds"].as_u64().expect("retryAfterSeconds");
    assert!((60..=120).contains(&retry), "{body}");
    assert!(app.fake.requests().is_empty(), "{:?}", app.fake.requests());
}
on_both_backends!(pacing_asked_for_by_azure_devops_holds_back_later_requests);
