//! Introspection as clients send it: graphql-js's standard query (what GraphiQL's Docs pane and
//! most code generators run) passes the depth limit, which still bounds introspection on its own.

use serde_json::{Value, json};

use crate::support::{Backend, error_code, spawn_app, spawn_with};

const INTROSPECTION_QUERY: &str = include_str!("fixtures/introspection_query.graphql");

#[tokio::test]
async fn graphql_js_standard_introspection_query_returns_every_type() {
    let app = spawn_app().await;
    for token in [None, Some(crate::support::ADMIN_TOKEN)] {
        let body = app.gql_as(token, INTROSPECTION_QUERY, json!({})).await;
        assert!(body.get("errors").is_none(), "{body}");
        let types = body.pointer("/data/__schema/types").and_then(Value::as_array).expect("types");
        let names: Vec<&str> = types.iter().filter_map(|t| t["name"].as_str()).collect();
        for expected in ["Query", "Mutation", "Subscription", "AzureDevOpsIntegration", "__Type"] {
            assert!(names.contains(&expected), "{expected} missing from {names:?}");
        }
    }
}

#[tokio::test]
async fn introspection_nested_past_its_own_bound_is_refused_and_data_keeps_twelve() {
    let app = spawn_app().await;
    let deep = format!("{{ __type(name: \"Query\") {{ {}name{} }} }}", "ofType { ".repeat(20), " }".repeat(20));
    let body = app.gql(&deep, json!({})).await;
    assert_eq!(error_code(&body), Some("VALIDATION"), "{body}");
    assert!(body.to_string().contains("nested too deep"), "{body}");
    // Introspection beside data does not lift the data limit.
    let mixed = format!("{{ __schema {{ queryType {{ name }} }} {} }}", "viewer { user }");
    assert!(app.gql(&mixed, json!({})).await.get("errors").is_none());
}

#[tokio::test]
async fn with_introspection_off_the_standard_query_gets_no_schema() {
    let app = spawn_with(Backend::Sqlite, |c| c.introspection = false).await.expect("sqlite");
    let body = app.gql(INTROSPECTION_QUERY, json!({})).await;
    assert!(body["data"]["__schema"].is_null(), "{body}");
}
