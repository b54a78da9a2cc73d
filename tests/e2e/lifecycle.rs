//! Create → read → list → update → verify → rotate → unlink, over HTTP, on SQLite and PostgreSQL.

use base64::Engine;
use fake_azure::DEFAULT_PAT;
use serde_json::{Value, json};

use crate::support::{TestApp, error_code, on_both_backends, queries};

async fn an_integration_lives_its_whole_life_over_graphql(app: TestApp) {
    // Arrange / Act: create with the fake's valid PAT.
    let body = app
        .gql(
            &queries::create(),
            json!({ "i": {
                "name": "Contoso", "description": "main org", "labels": ["prod", "Team-A"],
                "organizationUrl": app.org_url(), "flavor": "SERVICES", "personalAccessToken": DEFAULT_PAT,
                "clientMutationId": "c1"
            }}),
        )
        .await;
    let payload = &body["data"]["createAzureDevOpsIntegration"];
    assert!(body.get("errors").is_none(), "{body}");
    let it = &payload["integration"];
    let id = it["id"].as_str().expect("id").to_owned();
    assert_eq!(payload["clientMutationId"], "c1");
    assert_eq!(it["status"], "HEALTHY");
    assert_eq!(it["flavor"], "SERVICES");
    assert_eq!(it["organization"], "contoso");
    assert_eq!(it["labels"], json!(["prod", "team-a"]));
    assert_eq!(it["personalAccessToken"]["hint"], DEFAULT_PAT[DEFAULT_PAT.len() - 4..]);
    assert!(it["oauthApp"].is_null());
    let password = payload["webhookPassword"].as_str().expect("generated password shown once");
    assert!(password.len() >= 32);
    assert!(it["webhook"]["passwordSet"].as_bool().unwrap_or(false));
    let endpoint = it["webhook"]["endpointUrl"].as_str().expect("endpoint");
    assert!(endpoint.starts_with(&app.base) && endpoint.contains("/webhooks/azure-devops/"), "{endpoint}");
    assert_eq!(it["personalAccessTokenUrl"], format!("{}/_usersSettings/tokens", app.org_url()));
    let v = &payload["verification"];
    assert_eq!(v["ok"], true);
    assert_eq!(v["code"], "OK");
    assert_eq!(v["authenticatedAs"], "dana@contoso.com");
    assert_eq!(v["projectCount"], 2);
    let checks: Vec<&str> = v["checks"].as_array().expect("checks").iter().filter_map(|c| c["name"].as_str()).collect();
    for step in ["ORGANIZATION_REACHABLE", "CREDENTIAL_VALID", "PROJECTS_VISIBLE"] {
        assert!(checks.contains(&step), "missing check {step} in {checks:?}");
    }

    // The fake saw HTTP Basic with the PAT, connectionData at 7.1-preview.1 (it is preview-only)
    // and projects at 7.1.
    let expected_auth =
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!(":{DEFAULT_PAT}")));
    let seen = app.fake.requests();
    for (path, version) in [("/contoso/_apis/connectionData", "7.1-preview.1"), ("/contoso/_apis/projects", "7.1")] {
        let r = seen.iter().find(|r| r.path.eq_ignore_ascii_case(path)).unwrap_or_else(|| panic!("no call to {path}"));
        assert_eq!(r.method, "GET");
        assert_eq!(r.header("authorization"), Some(expected_auth.as_str()));
        assert_eq!(r.api_version(), Some(version));
    }

    // Read back, by id and as a node.
    let got = app.gql(&queries::get(), json!({ "id": id })).await;
    assert_eq!(got["data"]["azureDevOpsIntegration"]["name"], "Contoso");
    assert_eq!(got["data"]["azureDevOpsIntegration"]["lastVerification"]["code"], "OK");
    let node = app
        .gql("query($id: ID!) { node(id: $id) { id ... on AzureDevOpsIntegration { name } } }", json!({ "id": id }))
        .await;
    assert_eq!(node["data"]["node"]["name"], "Contoso");

    // List with filters.
    let list = app.gql(queries::LIST, json!({ "labels": ["prod"], "status": "HEALTHY" })).await;
    assert_eq!(list["data"]["azureDevOpsIntegrations"]["totalCount"], 1);
    let none = app.gql(queries::LIST, json!({ "labels": ["staging"] })).await;
    assert_eq!(none["data"]["azureDevOpsIntegrations"]["totalCount"], 0);

    // Update: rename, relabel, limit projects, clear the description; verification runs again.
    let upd = app
        .gql(
            &queries::update(),
            json!({ "i": { "id": id, "name": "Contoso Prod", "labels": ["prod"], "description": null,
                            "accessibleProjects": ["Platform"], "clientMutationId": "u" } }),
        )
        .await;
    let u = &upd["data"]["updateAzureDevOpsIntegration"];
    assert_eq!(u["integration"]["name"], "Contoso Prod", "{upd}");
    assert!(u["integration"]["description"].is_null());
    assert_eq!(u["integration"]["accessibleProjects"], json!(["Platform"]));
    assert_eq!(u["verification"]["ok"], true);
    assert_eq!(u["clientMutationId"], "u");

    // Verify on demand.
    let ver = app.gql(queries::VERIFY, json!({ "id": id })).await;
    assert_eq!(ver["data"]["verifyAzureDevOpsIntegration"]["integration"]["status"], "HEALTHY");

    // Rotate the webhook password: a new generated one, shown once (`id`: the deprecated name of
    // `integrationId`, still accepted).
    let rot = app
        .gql(
            "mutation($id: ID!) { rotateWebhookPassword(input: { id: $id }) { webhookPassword integration { webhook { passwordSet } } } }",
            json!({ "id": id }),
        )
        .await;
    let new_pw = rot["data"]["rotateWebhookPassword"]["webhookPassword"].as_str().expect("new password");
    assert_ne!(new_pw, password);
    let both = app
        .gql(
            "mutation($id: ID!) { rotateWebhookPassword(input: { integrationId: $id, id: $id }) { webhookPassword } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&both), Some("VALIDATION"), "{both}");

    // Unlink: gone, and gone for good.
    let un = app.gql(queries::UNLINK, json!({ "id": id })).await;
    assert_eq!(un["data"]["unlinkAzureDevOpsIntegration"]["unlinkedId"], id);
    assert_eq!(un["data"]["unlinkAzureDevOpsIntegration"]["clientMutationId"], "u1");
    let after = app.gql(&queries::get(), json!({ "id": id })).await;
    assert!(after["data"]["azureDevOpsIntegration"].is_null());
    let again = app.gql(queries::UNLINK, json!({ "id": id })).await;
    assert_eq!(error_code(&again), Some("NOT_FOUND"));
}
on_both_backends!(an_integration_lives_its_whole_life_over_graphql);

async fn pages_of_integrations_follow_their_cursors(app: TestApp) {
    for n in 0..5 {
        let body = app
            .gql(
                &queries::create(),
                json!({ "i": { "name": format!("org-{n}"), "organizationUrl": app.org_url(), "flavor": "SERVICES",
                                "personalAccessToken": DEFAULT_PAT, "verify": false } }),
            )
            .await;
        assert_eq!(body["data"]["createAzureDevOpsIntegration"]["integration"]["status"], "UNVERIFIED", "{body}");
    }
    let mut names = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = app.gql(queries::LIST, json!({ "first": 2, "after": after })).await;
        let conn = &page["data"]["azureDevOpsIntegrations"];
        assert_eq!(conn["totalCount"], 5);
        for e in conn["edges"].as_array().expect("edges") {
            names.push(e["node"]["name"].as_str().expect("name").to_owned());
        }
        if conn["pageInfo"]["hasNextPage"] != Value::Bool(true) {
            break;
        }
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(names, ["org-0", "org-1", "org-2", "org-3", "org-4"]);
    let too_many = app.gql(queries::LIST, json!({ "first": 1000 })).await;
    assert_eq!(error_code(&too_many), Some("VALIDATION"));
}
on_both_backends!(pages_of_integrations_follow_their_cursors);
