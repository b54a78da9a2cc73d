//! App identity fixtures: create an integration with one, find a verification check, count token
//! requests, and the part of the round trip every proof shares (browse as a member without an
//! authorization of their own, install service hooks, unlink).

use serde_json::{Value, json};

use super::{TestApp, queries};

pub const REPOS: &str = "query($id: ID!, $search: String) { azureDevOpsIntegration(id: $id) { \
    repositories(first: 10, search: $search) { edges { node { name project } } } } }";
const INSTALL: &str = "mutation($i: InstallServiceHooksInput!) { installServiceHooks(input: $i) { \
    serviceHooks { eventType state } } }";

/// Creates an integration whose only credential is `app_identity`.
pub async fn create(app: &TestApp, app_identity: Value, verify: bool) -> Value {
    let input = json!({ "name": format!("app-{}", uuid::Uuid::new_v4().simple()), "organizationUrl": app.org_url(),
        "flavor": "SERVICES", "appIdentity": app_identity, "verify": verify });
    app.gql(&queries::create(), json!({ "i": input })).await
}

/// The check `name` of a verification.
pub fn check<'a>(verification: &'a Value, name: &str) -> &'a Value {
    verification["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no {name} check in {verification}"))
}

/// How many client credentials grants app `client_id` asked Entra for.
pub fn token_requests(app: &TestApp, client_id: &str) -> usize {
    app.fake
        .requests()
        .iter()
        .filter(|r| {
            let form = String::from_utf8_lossy(&r.body);
            r.path.ends_with("/oauth2/v2.0/token")
                && form.contains("grant_type=client_credentials")
                && form.contains(client_id)
        })
        .count()
}

/// The `Authorization` scheme of the last repository list Azure DevOps saw.
pub fn last_list_scheme(app: &TestApp) -> String {
    let listed = app.fake.requests().into_iter().rev().find(|r| r.path.ends_with("/_apis/git/repositories"));
    let auth = listed.and_then(|r| r.headers.into_iter().find(|(k, _)| k == "authorization").map(|(_, v)| v));
    auth.and_then(|a| a.split(' ').next().map(str::to_owned)).unwrap_or_default()
}

/// A member without an authorization of their own browses as the app identity (a bearer token),
/// service hooks install with it, and unlinking removes them again. Needs a public URL (hook targets).
pub async fn browses_installs_hooks_and_unlinks(app: &TestApp, id: &str) {
    let member = app.token("mia", "MEMBER").await;
    let repos = app.gql_as(Some(&member), REPOS, json!({ "id": id })).await;
    let names: Vec<&str> = repos["data"]["azureDevOpsIntegration"]["repositories"]["edges"]
        .as_array()
        .map(|e| e.iter().filter_map(|n| n["node"]["name"].as_str()).collect())
        .unwrap_or_default();
    assert!(names.contains(&"api-gateway"), "a member without their own authorization reads as the app: {repos}");
    assert_eq!(last_list_scheme(app), "Bearer", "the app identity's token acts");

    let hooks = app
        .gql(INSTALL, json!({ "i": { "integrationId": id, "project": "Platform", "repository": "api-gateway" } }))
        .await;
    let installed = hooks["data"]["installServiceHooks"]["serviceHooks"].as_array().map_or(0, Vec::len);
    assert!(installed > 0, "hooks are installed with the app identity: {hooks}");
    let unlinked = app.gql(queries::UNLINK, json!({ "id": id })).await;
    let removed = unlinked["data"]["unlinkAzureDevOpsIntegration"]["removedServiceHooks"].as_i64().unwrap_or(0);
    assert_eq!(removed, i64::try_from(installed).unwrap_or(0), "unlink removes every hook: {unlinked}");
}
