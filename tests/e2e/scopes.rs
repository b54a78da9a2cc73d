//! PAT scopes and permissions as Azure DevOps really answers them: a missing scope is a 401 on
//! the route while `connectionData` accepts the token (PAT_INSUFFICIENT_SCOPE, never FAILING at
//! browse time); permissions are the identity's, asked per project; global PATs are retired.

use fake_azure::{
    Ace, DEFAULT_ORG, DEFAULT_PAT, GIT_GENERIC_CONTRIBUTE, GIT_NAMESPACE, HOOKS_EDIT_SUBSCRIPTIONS,
    PLATFORM_PROJECT_ID, Pat, SERVICE_HOOKS_NAMESPACE, User,
};
use serde_json::{Value, json};

use crate::support::integrations::webhook_integration;
use crate::support::{TestApp, error_code, on_both_backends, queries};

const PROJECTS: &str =
    "query($id: ID!) { azureDevOpsIntegration(id: $id) { projects(first: 5) { edges { node { name } } } } }";
const REPOS: &str =
    "query($id: ID!) { azureDevOpsIntegration(id: $id) { repositories(first: 5) { edges { node { name } } } } }";

/// Creates (and verifies) an integration with `pat`; returns (id, verification, status).
async fn create(app: &TestApp, pat: &str) -> (String, Value, String) {
    let input = json!({ "name": format!("scopes-{}", uuid::Uuid::new_v4()), "organizationUrl": app.org_url(),
        "flavor": "SERVICES", "personalAccessToken": pat });
    let body = app.gql(&queries::create(), json!({ "i": input })).await;
    assert!(body.get("errors").is_none(), "create failed: {body}");
    let p = &body["data"]["createAzureDevOpsIntegration"];
    let id = p["integration"]["id"].as_str().unwrap_or_default().to_owned();
    (id, p["verification"].clone(), p["integration"]["status"].as_str().unwrap_or_default().to_owned())
}

fn check<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["checks"].as_array().and_then(|c| c.iter().find(|c| c["name"] == name)).unwrap_or(&Value::Null)
}

async fn stored_status(app: &TestApp, id: &str) -> (String, String) {
    let got = app.gql(&queries::get(), json!({ "id": id })).await;
    let i = &got["data"]["azureDevOpsIntegration"];
    (
        i["status"].as_str().unwrap_or_default().to_owned(),
        i["lastVerification"]["code"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn a_code_only_pat_is_pat_insufficient_scope_naming_project_and_team(app: TestApp) {
    let token = "code-only-token-5pq8w2e6r9t3y7u1i4o0a8s2d6f9g3h7j1k5";
    app.fake.add_pat(DEFAULT_ORG, token, Pat::with_scopes(User::dana(), &["vso.code_write"]));
    let (_, v, status) = create(&app, token).await;
    assert_eq!(status, "FAILING", "{v}");
    assert_eq!(v["code"], "PAT_INSUFFICIENT_SCOPE", "{v}");
    assert_eq!(check(&v, "CREDENTIAL_VALID")["ok"], true, "connectionData accepts the token: {v}");
    let projects = check(&v, "PROJECTS_VISIBLE");
    assert_eq!(projects["code"], "PAT_INSUFFICIENT_SCOPE", "{v}");
    assert!(projects["message"].as_str().unwrap_or_default().contains("Project and Team"), "{v}");
}
on_both_backends!(a_code_only_pat_is_pat_insufficient_scope_naming_project_and_team);

async fn a_browse_time_401_outside_the_scopes_keeps_the_integration_healthy_and_a_refused_pat_flips_it(app: TestApp) {
    let (id, v, status) = create(&app, DEFAULT_PAT).await;
    assert_eq!(status, "HEALTHY", "{v}");
    // The same token loses Project and Team (Read): projects answer 401, connectionData still 200.
    app.fake.add_pat(DEFAULT_ORG, DEFAULT_PAT, Pat::with_scopes(User::dana(), &["vso.code_write", "vso.work_write"]));
    let body = app.gql(PROJECTS, json!({ "id": id })).await;
    assert_eq!(error_code(&body), Some("NOT_AUTHORIZED_UPSTREAM"), "{body}");
    let hint = body["errors"][0]["extensions"]["hint"].as_str().unwrap_or_default();
    assert!(hint.contains("Project and Team"), "{body}");
    assert_eq!(stored_status(&app, &id).await.0, "HEALTHY");
    let repos = app.gql(REPOS, json!({ "id": id })).await;
    assert!(repos.get("errors").is_none(), "Code still reads: {repos}");
    // An expired token is refused by connectionData too: FAILING, PAT_EXPIRED.
    app.fake.add_pat(DEFAULT_ORG, DEFAULT_PAT, Pat::expired(User::dana()));
    let body = app.gql(PROJECTS, json!({ "id": id })).await;
    assert_eq!(error_code(&body), Some("NOT_AUTHORIZED_UPSTREAM"), "{body}");
    assert_eq!(stored_status(&app, &id).await, ("FAILING".to_owned(), "PAT_EXPIRED".to_owned()));
}
on_both_backends!(a_browse_time_401_outside_the_scopes_keeps_the_integration_healthy_and_a_refused_pat_flips_it);

async fn a_global_pat_is_pat_global_retired(app: TestApp) {
    let token = "global-token-3kd8f2j5h9g1s4a7q0w6e2r8t5y1u3i7o9p4";
    app.fake.add_pat(DEFAULT_ORG, token, Pat::global(User::dana()));
    let (_, v, status) = create(&app, token).await;
    assert_eq!(status, "FAILING", "{v}");
    assert_eq!(v["code"], "PAT_GLOBAL_RETIRED", "{v}");
    assert!(v["hint"].as_str().unwrap_or_default().contains("/_usersSettings/tokens"), "{v}");
    // A wrong token stays PAT_INVALID, and its hint tells of the retirement.
    let (_, v, _) = create(&app, "wrong-token-0000000000000000000000000000000000000").await;
    assert_eq!(v["code"], "PAT_INVALID", "{v}");
    assert!(v["hint"].as_str().unwrap_or_default().contains("2026-12-01"), "{v}");
}
on_both_backends!(a_global_pat_is_pat_global_retired);

async fn code_write_is_false_without_contribute_on_the_project_even_when_the_root_token_allows(app: TestApp) {
    let dana = User::dana();
    let project = format!("repoV2/{PLATFORM_PROJECT_ID}");
    app.fake.set_permission(DEFAULT_ORG, Ace::new(&dana, GIT_NAMESPACE, "repoV2", GIT_GENERIC_CONTRIBUTE, true));
    app.fake.set_permission(DEFAULT_ORG, Ace::new(&dana, GIT_NAMESPACE, &project, GIT_GENERIC_CONTRIBUTE, false));
    let (_, v, status) = create(&app, DEFAULT_PAT).await;
    assert_eq!(status, "HEALTHY", "advisory checks never fail: {v}");
    let code_write = check(&v, "CODE_WRITE");
    assert_eq!(code_write["ok"], false, "{v}");
    assert!(code_write["message"].as_str().unwrap_or_default().contains("Platform"), "{v}");
    assert_eq!(check(&v, "SERVICE_HOOKS_MANAGE")["ok"], true, "{v}");
}
on_both_backends!(code_write_is_false_without_contribute_on_the_project_even_when_the_root_token_allows);

async fn service_hooks_manage_is_false_when_subscriptions_list_but_edit_is_denied(app: TestApp) {
    let token = format!("PublisherSecurity/{PLATFORM_PROJECT_ID}");
    let deny = Ace::new(&User::dana(), SERVICE_HOOKS_NAMESPACE, &token, HOOKS_EDIT_SUBSCRIPTIONS, false);
    app.fake.set_permission(DEFAULT_ORG, deny);
    let (_, v, status) = create(&app, DEFAULT_PAT).await;
    assert_eq!(status, "HEALTHY", "{v}");
    let hooks = check(&v, "SERVICE_HOOKS_MANAGE");
    assert_eq!(hooks["ok"], false, "{v}");
    assert!(hooks["message"].as_str().unwrap_or_default().contains("Edit subscriptions"), "{v}");
    assert_eq!(check(&v, "CODE_WRITE")["ok"], true, "{v}");
}
on_both_backends!(service_hooks_manage_is_false_when_subscriptions_list_but_edit_is_denied);

const INSTALL: &str = "mutation($i: InstallServiceHooksInput!) { installServiceHooks(input: $i) { \
    serviceHooks { subscriptionId state } } }";

async fn installing_hooks_outside_the_scopes_names_the_scope_and_without_edit_subscriptions_is_forbidden(app: TestApp) {
    let (id, _, _) = webhook_integration(&app).await;
    let input = json!({ "i": { "integrationId": id, "project": "Platform", "repository": "api-gateway" } });
    // Work Items only: the repository and the code events are out of the token's scopes.
    app.fake.add_pat(DEFAULT_ORG, DEFAULT_PAT, Pat::with_scopes(User::dana(), &["vso.project", "vso.work_write"]));
    let body = app.gql(INSTALL, input.clone()).await;
    assert_eq!(error_code(&body), Some("NOT_AUTHORIZED_UPSTREAM"), "{body}");
    assert!(body["errors"][0]["extensions"]["hint"].as_str().unwrap_or_default().contains("Code"), "{body}");
    // Every scope, but the identity may not edit the project's subscriptions: an ACL denial.
    app.fake.add_pat(DEFAULT_ORG, DEFAULT_PAT, Pat::full(User::dana()));
    let token = format!("PublisherSecurity/{PLATFORM_PROJECT_ID}");
    let deny = Ace::new(&User::dana(), SERVICE_HOOKS_NAMESPACE, &token, HOOKS_EDIT_SUBSCRIPTIONS, false);
    app.fake.set_permission(DEFAULT_ORG, deny);
    let body = app.gql(INSTALL, input).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
}
on_both_backends!(installing_hooks_outside_the_scopes_names_the_scope_and_without_edit_subscriptions_is_forbidden);

async fn the_advisory_checks_evaluate_only_the_projects_the_integration_may_use(app: TestApp) {
    // Contribute denied on Platform only.
    let token = format!("repoV2/{PLATFORM_PROJECT_ID}");
    app.fake.set_permission(DEFAULT_ORG, Ace::new(&User::dana(), GIT_NAMESPACE, &token, GIT_GENERIC_CONTRIBUTE, false));
    let create = |projects: Value| {
        json!({ "i": { "name": format!("scoped-{}", uuid::Uuid::new_v4()), "organizationUrl": app.org_url(),
            "flavor": "SERVICES", "personalAccessToken": DEFAULT_PAT, "accessibleProjects": projects } })
    };
    let verification = |body: &Value| body["data"]["createAzureDevOpsIntegration"]["verification"].clone();
    let website_only = app.gql(&queries::create(), create(json!(["Website"]))).await;
    assert_eq!(check(&verification(&website_only), "CODE_WRITE")["ok"], true, "{website_only}");
    let every_project = app.gql(&queries::create(), create(Value::Null)).await;
    let code_write = check(&verification(&every_project), "CODE_WRITE").clone();
    assert_eq!(code_write["ok"], false, "{every_project}");
    assert!(code_write["message"].as_str().unwrap_or_default().contains("Platform"), "{every_project}");
}
on_both_backends!(the_advisory_checks_evaluate_only_the_projects_the_integration_may_use);
