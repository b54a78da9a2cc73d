//! Relay's backward pagination: lists stored here page with `last`/`before` to their start, edges in
//! the list's order, `pageInfo`'s four fields right; lists read from Azure DevOps refuse `last` and
//! `before` with `VALIDATION`, the argument named and a hint to page forward.

use fake_azure::DEFAULT_PAT;
use serde_json::{Value, json};

use crate::support::integrations::pat_integration;
use crate::support::{TestApp, error_code, on_both_backends, queries};

const INTEGRATIONS: &str = "query($first: Int, $after: String, $last: Int, $before: String) { \
     azureDevOpsIntegrations(first: $first, after: $after, last: $last, before: $before) { totalCount \
     pageInfo { hasPreviousPage hasNextPage startCursor endCursor } edges { cursor node { name } } } }";
const AUDIT: &str = "query($first: Int, $after: String, $last: Int, $before: String) { \
     auditEvents(first: $first, after: $after, last: $last, before: $before) { totalCount \
     pageInfo { hasPreviousPage hasNextPage startCursor endCursor } edges { cursor node { id } } } }";
const TOKENS: &str = "query($first: Int, $after: String, $last: Int, $before: String) { \
     apiTokens(first: $first, after: $after, last: $last, before: $before) { totalCount \
     pageInfo { hasPreviousPage hasNextPage startCursor endCursor } edges { cursor node { id } } } }";

/// One page: the nodes' `key`s and `pageInfo`.
struct Page {
    keys: Vec<String>,
    info: Value,
}

async fn page(app: &TestApp, query: &str, root: &str, key: &str, vars: Value) -> Page {
    let body = app.gql(query, vars).await;
    assert!(body.get("errors").is_none(), "{body}");
    let conn = &body["data"][root];
    let edges = conn["edges"].as_array().expect("edges");
    let keys = edges.iter().map(|e| e["node"][key].as_str().expect("key").to_owned()).collect::<Vec<_>>();
    let info = conn["pageInfo"].clone();
    if let (Some(first), Some(last)) = (edges.first(), edges.last()) {
        assert_eq!(info["startCursor"], first["cursor"], "startCursor is the first edge's cursor");
        assert_eq!(info["endCursor"], last["cursor"], "endCursor is the last edge's cursor");
    }
    Page { keys, info }
}

/// Every page from the end back to the start, `size` at a time, following `pageInfo.startCursor`.
async fn walk_back(app: &TestApp, query: &str, root: &str, key: &str, size: i64) -> Vec<Page> {
    let (mut pages, mut before) = (Vec::<Page>::new(), Value::Null);
    loop {
        let got = page(app, query, root, key, json!({ "last": size, "before": before })).await;
        assert_eq!(got.info["hasNextPage"], json!(!before.is_null()), "rows follow a page taken before a cursor");
        before = got.info["startCursor"].clone();
        let more = got.info["hasPreviousPage"] == json!(true);
        pages.push(got);
        if !more {
            return pages;
        }
        assert!(pages.len() < 20, "runaway paging");
    }
}

/// The whole list forward in one page.
async fn all(app: &TestApp, query: &str, root: &str, key: &str) -> Vec<String> {
    let got = page(app, query, root, key, json!({ "first": 100 })).await;
    assert_eq!(got.info["hasNextPage"], json!(false));
    got.keys
}

/// Backward pages, read from the start, are the list in its own order, each row once.
fn assert_backward_matches(pages: &[Page], forward: &[String], size: usize) {
    assert!(pages.iter().all(|p| p.keys.len() <= size && !p.keys.is_empty()), "pages of at most {size}");
    assert!(pages.iter().rev().skip(1).all(|p| p.keys.len() == size), "only the first page of the list is short");
    let read: Vec<String> = pages.iter().rev().flat_map(|p| p.keys.clone()).collect();
    assert_eq!(read, forward, "backward pages hold the list in its order, every row once");
}

async fn rows_stored_here_page_backward_to_their_start(app: TestApp) {
    for n in 0..5 {
        let input = json!({ "name": format!("org-{n}"), "organizationUrl": app.org_url(), "flavor": "SERVICES",
            "personalAccessToken": DEFAULT_PAT, "verify": false });
        let body = app.gql(&queries::create(), json!({ "i": input })).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    for user in ["alice", "bob", "carol"] {
        app.token(user, "MEMBER").await;
    }

    // Integrations, oldest first (filtered in memory).
    let forward = all(&app, INTEGRATIONS, "azureDevOpsIntegrations", "name").await;
    assert_eq!(forward, ["org-0", "org-1", "org-2", "org-3", "org-4"]);
    let pages = walk_back(&app, INTEGRATIONS, "azureDevOpsIntegrations", "name", 2).await;
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0].keys, ["org-3", "org-4"], "the last two, in the list's order");
    assert_eq!(pages[0].info["hasPreviousPage"], json!(true));
    assert_eq!(pages[2].keys, ["org-0"]);
    assert_backward_matches(&pages, &forward, 2);

    // The audit log, newest first (keyset in SQL, fetched the other way round).
    let forward = all(&app, AUDIT, "auditEvents", "id").await;
    assert!(forward.len() >= 8, "five creations and three tokens audited: {forward:?}");
    let pages = walk_back(&app, AUDIT, "auditEvents", "id", 3).await;
    assert_backward_matches(&pages, &forward, 3);

    // API tokens, oldest first (keyset in SQL).
    let forward = all(&app, TOKENS, "apiTokens", "id").await;
    assert!(forward.len() >= 4, "the admin's and three more: {forward:?}");
    let pages = walk_back(&app, TOKENS, "apiTokens", "id", 2).await;
    assert_backward_matches(&pages, &forward, 2);

    // `after` and `before` together bound the window; `last` takes its end.
    let first_two = page(&app, INTEGRATIONS, "azureDevOpsIntegrations", "name", json!({ "first": 1 })).await;
    let tail = page(&app, INTEGRATIONS, "azureDevOpsIntegrations", "name", json!({ "last": 1 })).await;
    let vars = json!({ "after": first_two.info["endCursor"], "before": tail.info["startCursor"], "last": 2 });
    let middle = page(&app, INTEGRATIONS, "azureDevOpsIntegrations", "name", vars).await;
    assert_eq!(middle.keys, ["org-2", "org-3"]);
    assert_eq!(
        (middle.info["hasPreviousPage"].clone(), middle.info["hasNextPage"].clone()),
        (json!(true), json!(true))
    );
}
on_both_backends!(rows_stored_here_page_backward_to_their_start);

/// The error's `extensions`, asserting there is one error.
fn refusal(body: &Value) -> &Value {
    assert!(body["data"].is_null() || body["errors"].as_array().is_some_and(|e| e.len() == 1), "{body}");
    &body["errors"][0]["extensions"]
}

async fn backward_arguments_are_checked_and_azure_devops_lists_refuse_them(app: TestApp) {
    let both = app.gql(INTEGRATIONS, json!({ "first": 2, "last": 2 })).await;
    assert_eq!(error_code(&both), Some("VALIDATION"), "{both}");
    assert_eq!(refusal(&both)["field"], "last");
    let too_many = app.gql(AUDIT, json!({ "last": 101 })).await;
    assert_eq!(error_code(&too_many), Some("VALIDATION"), "{too_many}");
    assert_eq!(refusal(&too_many)["field"], "last");
    let garbage = app.gql(TOKENS, json!({ "last": 1, "before": "not-a-cursor" })).await;
    assert_eq!(error_code(&garbage), Some("VALIDATION"), "{garbage}");
    assert_eq!(refusal(&garbage)["field"], "before");

    let id = pat_integration(&app, json!({})).await;
    for (arg, query) in [
        ("last", "query($id: ID!) { azureDevOpsIntegration(id: $id) { projects(last: 2) { edges { cursor } } } }"),
        (
            "before",
            "query($id: ID!) { azureDevOpsIntegration(id: $id) { repositories(before: \"x\") { edges { cursor } } } }",
        ),
        (
            "last",
            "query { repository(integrationId: \"x\", fullName: \"contoso/Platform/api-gateway\") { branches(last: 1) { totalCount } } }",
        ),
    ] {
        let body = app.gql(query, json!({ "id": id })).await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
        let ext = refusal(&body);
        assert_eq!(ext["field"], arg, "{body}");
        let hint = ext["hint"].as_str().unwrap_or_default();
        assert!(hint.contains("only go forward") && hint.contains("first and after"), "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(&format!("\"{arg}\"")), "the message names the argument: {body}");
    }
}
on_both_backends!(backward_arguments_are_checked_and_azure_devops_lists_refuse_them);
