//! The integrations list reads in SQL what a page shows: the label filter matches whole labels
//! (a `_` is no wildcard), a page of plain fields answers what a page of whole rows answers, and
//! `totalCount` counts the matching integrations whether or not the page shows any node.

use serde_json::{Value, json};

use crate::support::integrations::pat_integration;
use crate::support::{TestApp, on_both_backends};

const PLAIN: &str = "query($labels: [String!], $after: String) { azureDevOpsIntegrations(first: 2, after: $after, labels: $labels) { \
     pageInfo { endCursor hasNextPage } edges { cursor node { id name description labels isDefault flavor organizationUrl \
     organization status createdAt updatedAt personalAccessTokenUrl } } } }";
const WHOLE: &str = "query($labels: [String!], $after: String) { azureDevOpsIntegrations(first: 2, after: $after, labels: $labels) { \
     pageInfo { endCursor hasNextPage } edges { cursor node { id name description labels isDefault flavor organizationUrl \
     organization status createdAt updatedAt personalAccessTokenUrl webhook { passwordSet } personalAccessToken { hint } } } } }";
const COUNT: &str =
    "query($labels: [String!]) { azureDevOpsIntegrations(first: 0, labels: $labels) { totalCount edges { cursor } } }";

async fn names(app: &TestApp, labels: Value) -> Vec<String> {
    let body = app
        .gql(
            "query($labels: [String!]) { azureDevOpsIntegrations(labels: $labels) { nodes { name } } }",
            json!({ "labels": labels }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let nodes = body["data"]["azureDevOpsIntegrations"]["nodes"].as_array().expect("nodes").clone();
    nodes.iter().map(|n| n["name"].as_str().expect("name").to_owned()).collect()
}

async fn integrations_pages_read_only_what_they_show(app: TestApp) {
    // Arrange: four integrations, oldest first; `teamxa` would match `team_a` were `_` a wildcard.
    for (name, labels) in [
        ("alpha", json!(["team_a", "env:prod"])),
        ("beta", json!(["teamxa", "env:prod"])),
        ("gamma", json!(["team_a"])),
        ("delta", json!([])),
    ] {
        pat_integration(&app, json!({ "name": name, "labels": labels, "description": format!("the {name} one") }))
            .await;
    }

    // Act and assert: whole labels, every one of them, case-insensitively.
    assert_eq!(names(&app, json!(["team_a"])).await, ["alpha", "gamma"]);
    assert_eq!(names(&app, json!(["ENV:PROD", " team_a "])).await, ["alpha"]);
    assert_eq!(names(&app, json!(["team"])).await, Vec::<String>::new());
    assert_eq!(names(&app, json!(["team%"])).await, Vec::<String>::new());
    assert_eq!(names(&app, json!(["a\",\"env:prod"])).await, Vec::<String>::new());
    assert_eq!(names(&app, json!([])).await, ["alpha", "beta", "gamma", "delta"]);

    // A page of plain fields is the page of whole rows without the other fields, page after page.
    for labels in [json!(null), json!(["env:prod"])] {
        let (mut after, mut pages) = (Value::Null, 0);
        loop {
            let vars = json!({ "labels": labels, "after": after });
            let (plain, whole) = (app.gql(PLAIN, vars.clone()).await, app.gql(WHOLE, vars).await);
            assert!(plain.get("errors").is_none() && whole.get("errors").is_none(), "{plain} {whole}");
            let (plain, mut whole) =
                (plain["data"]["azureDevOpsIntegrations"].clone(), whole["data"]["azureDevOpsIntegrations"].clone());
            for edge in whole["edges"].as_array_mut().expect("edges") {
                assert_eq!(edge["node"]["webhook"]["passwordSet"], true, "whole rows hold their secrets: {edge}");
                let node = edge["node"].as_object_mut().expect("node");
                node.remove("webhook");
                node.remove("personalAccessToken");
            }
            assert_eq!(plain, whole);
            pages += 1;
            if plain["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = plain["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(pages, if labels.is_null() { 2 } else { 1 });
    }

    // totalCount counts the matching integrations, with or without nodes on the page.
    for (labels, expected) in [(json!(null), 4), (json!(["team_a"]), 2), (json!(["nope"]), 0)] {
        let body = app.gql(COUNT, json!({ "labels": labels })).await;
        assert_eq!(body["data"]["azureDevOpsIntegrations"]["totalCount"], expected, "{body}");
    }
}
on_both_backends!(integrations_pages_read_only_what_they_show);
