//! A string that is not a global ID (a raw UUID, a placeholder such as `<id>`) where one is
//! expected is the caller's mistake: `VALIDATION` naming the argument and where IDs come from,
//! not `NOT_FOUND` or null. A global ID of another kind still names nothing.

use serde_json::json;

use crate::support::{error_code, spawn_app};

#[tokio::test]
async fn raw_uuids_and_placeholders_are_not_global_ids() {
    let app = spawn_app().await;
    let raw = uuid::Uuid::new_v4().to_string();
    for id in [raw.as_str(), "<id>"] {
        let body = app.gql("query($id: ID!) { azureDevOpsIntegration(id: $id) { id } }", json!({ "id": id })).await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{id}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "id", "{body}");
        assert!(body["errors"][0]["message"].as_str().is_some_and(|m| m.contains("integration.id")), "{body}");
        assert!(body["errors"][0]["extensions"]["hint"].is_string(), "{body}");

        let body = app.gql("query($id: ID!) { node(id: $id) { id } }", json!({ "id": id })).await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{id}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "id", "{body}");

        let body = app
            .gql(
                "query($id: ID!) { repository(integrationId: $id, fullName: \"contoso/P/r\") { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "integrationId", "{id}: {body}");

        let body = app
            .gql(
                "mutation($i: VerifyAzureDevOpsIntegrationInput!) { verifyAzureDevOpsIntegration(input: $i) { clientMutationId } }",
                json!({ "i": { "id": id } }),
            )
            .await;
        assert_eq!(error_code(&body), Some("VALIDATION"), "{id}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "id", "{body}");
    }
}

#[tokio::test]
async fn a_global_id_of_another_kind_or_unknown_row_still_names_nothing() {
    let app = spawn_app().await;
    let viewer = app.gql("{ apiTokens(first: 1) { edges { node { id } } } }", json!({})).await;
    let token_id = viewer.pointer("/data/apiTokens/edges/0/node/id").and_then(|v| v.as_str()).expect("a token id");
    let body = app.gql("query($id: ID!) { azureDevOpsIntegration(id: $id) { id } }", json!({ "id": token_id })).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert!(body["data"]["azureDevOpsIntegration"].is_null(), "{body}");
    let body = app
        .gql(
            "mutation($i: VerifyAzureDevOpsIntegrationInput!) { verifyAzureDevOpsIntegration(input: $i) { clientMutationId } }",
            json!({ "i": { "id": token_id } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
}
