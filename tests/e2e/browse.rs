//! Browsing Azure DevOps through GraphQL: pages walked to the end, search, allow-lists, faults,
//! and upstream call counts (the cache and single flight).

use std::collections::HashSet;
use std::time::Duration;

use fake_azure::{Behaviour, DEFAULT_PAT};
use serde_json::{Value, json};

use crate::support::integrations::pat_integration;
use crate::support::{TestApp, error_code, on_both_backends, queries};

/// Walks a connection to its end through `pageInfo.endCursor`; returns every node's `key` and the page count.
async fn walk(app: &TestApp, query: &str, vars: Value, path: &str, key: &str) -> (Vec<String>, usize) {
    let (mut seen, mut pages, mut after) = (Vec::new(), 0, Value::Null);
    loop {
        let mut v = vars.clone();
        v["after"] = after.clone();
        let body = app.gql(query, v).await;
        assert!(body.get("errors").is_none(), "{body}");
        let conn = body.pointer(path).unwrap_or_else(|| panic!("no {path} in {body}"));
        for e in conn["edges"].as_array().expect("edges") {
            seen.push(e["node"][key].as_str().map(str::to_owned).unwrap_or_else(|| e["node"][key].to_string()));
        }
        pages += 1;
        if conn["pageInfo"]["hasNextPage"] != json!(true) {
            return (seen, pages);
        }
        after = conn["pageInfo"]["endCursor"].clone();
        assert!(pages < 50, "runaway paging");
    }
}

fn assert_unique(items: &[String]) {
    let set: HashSet<&String> = items.iter().collect();
    assert_eq!(set.len(), items.len(), "a row repeated: {items:?}");
}

const PROJECTS: &str = "query($id: ID!, $after: String) { azureDevOpsIntegration(id: $id) { projects(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { id name visibility } } } } }";
const REPOS: &str = "query($id: ID!, $after: String, $project: String, $search: String, $first: Int) { azureDevOpsIntegration(id: $id) { repositories(project: $project, search: $search, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name fullName project defaultBranch isDisabled remoteUrl webUrl } } } } }";
const REPO: &str = "query($id: ID!, $name: String!, $after: String, $status: PullRequestStatus) { repository(integrationId: $id, fullName: $name) { name fullName defaultBranch branches(first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { name refName objectId } } } pullRequests(status: $status, first: 2) { edges { node { number title status sourceBranch targetBranch createdBy url isDraft } } } } }";

async fn every_list_walks_to_its_end_without_loss_or_repeat(app: TestApp) {
    for n in 0..5 {
        let project = format!("Proj{n}");
        app.fake.add_project("contoso", &project);
        app.fake.add_repository("contoso", &project, &format!("svc-{n}"));
    }
    for n in 0..5 {
        app.fake.add_branch("contoso", "api-gateway", &format!("topic/{n}"), None);
    }
    for n in 0..5 {
        let branch = format!("pr/{n}");
        app.fake.add_branch("contoso", "api-gateway", &branch, None);
        app.fake.add_pull_request("contoso", "api-gateway", &branch, "main", &format!("Change {n}"));
    }
    let id = pat_integration(&app, json!({})).await;

    let (projects, pages) =
        walk(&app, PROJECTS, json!({ "id": id }), "/data/azureDevOpsIntegration/projects", "name").await;
    assert_eq!(projects.len(), 7, "{projects:?}");
    assert!(pages >= 3);
    assert_unique(&projects);

    let (repos, pages) =
        walk(&app, REPOS, json!({ "id": id, "first": 2 }), "/data/azureDevOpsIntegration/repositories", "fullName")
            .await;
    assert_eq!(repos.len(), 8, "{repos:?}");
    assert!(pages >= 3);
    assert_unique(&repos);
    assert!(repos.contains(&"contoso/Platform/api-gateway".to_owned()));

    let (branches, pages) = walk(
        &app,
        REPO,
        json!({ "id": id, "name": "contoso/platform/API-GATEWAY" }),
        "/data/repository/branches",
        "name",
    )
    .await;
    assert_eq!(branches.len(), 13, "{branches:?}");
    assert!(pages >= 3);
    assert_unique(&branches);
    assert!(branches.contains(&"main".to_owned()) && branches.contains(&"topic/4".to_owned()));

    let prs_query = "query($id: ID!, $after: String) { repository(integrationId: $id, fullName: \"contoso/Platform/api-gateway\") { pullRequests(status: ALL, first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { number } } } } }";
    let (prs, pages) = walk(&app, prs_query, json!({ "id": id }), "/data/repository/pullRequests", "number").await;
    assert_eq!(prs.len(), 7, "{prs:?}");
    assert!(pages >= 3);
    assert_unique(&prs);
}
on_both_backends!(every_list_walks_to_its_end_without_loss_or_repeat);

async fn repositories_pull_requests_and_comments_carry_their_fields(app: TestApp) {
    app.fake.add_repository("contoso", "Website", "empty-repo");
    app.fake.make_repository_empty("contoso", "empty-repo");
    app.fake.add_repository("contoso", "Website", "old-repo");
    app.fake.disable_repository("contoso", "old-repo");
    let id = pat_integration(&app, json!({})).await;

    let body = app.gql(REPOS, json!({ "id": id, "project": "Website", "first": 10 })).await;
    let repos = body["data"]["azureDevOpsIntegration"]["repositories"].clone();
    assert_eq!(repos["totalCount"], 3, "{body}");
    let by_name = |n: &str| {
        repos["edges"]
            .as_array()
            .and_then(|e| e.iter().find(|x| x["node"]["name"] == n))
            .map(|x| x["node"].clone())
            .expect(n)
    };
    assert!(by_name("empty-repo")["defaultBranch"].is_null());
    assert_eq!(by_name("old-repo")["isDisabled"], true);
    assert_eq!(by_name("www")["defaultBranch"], "main");

    let search = app.gql(REPOS, json!({ "id": id, "search": "GATE" })).await;
    let names: Vec<&str> = search["data"]["azureDevOpsIntegration"]["repositories"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|e| e["node"]["name"].as_str())
        .collect();
    assert_eq!(names, ["api-gateway"]);

    let pr = app
        .gql(
            "query($id: ID!) { repository(integrationId: $id, fullName: \"contoso/Platform/api-gateway\") { pullRequest(number: 318) { number title status sourceBranch targetBranch createdBy url comments { totalCount edges { node { id threadId content author isSystem } } } } missing: pullRequest(number: 99999) { number } } }",
            json!({ "id": id }),
        )
        .await;
    let p = &pr["data"]["repository"]["pullRequest"];
    assert_eq!(p["status"], "ACTIVE", "{pr}");
    assert_eq!(p["targetBranch"], "main");
    assert!(p["url"].as_str().unwrap_or_default().ends_with("/pullrequest/318"));
    let comments = p["comments"]["edges"].as_array().expect("comments");
    assert!(comments.iter().any(|c| c["node"]["isSystem"] == true), "system comments are marked: {pr}");
    let people: Vec<&Value> = comments.iter().filter(|c| c["node"]["isSystem"] == false).collect();
    assert_eq!(people.len(), 2, "{pr}");
    assert!(pr["data"]["repository"]["missing"].is_null());

    let repo_id = app
        .gql(
            "query($id: ID!) { repository(integrationId: $id, fullName: \"contoso/Platform/api-gateway\") { id } }",
            json!({ "id": id }),
        )
        .await;
    let node = app
        .gql(
            "query($n: ID!) { node(id: $n) { ... on Repository { fullName } } }",
            json!({ "n": repo_id["data"]["repository"]["id"] }),
        )
        .await;
    assert_eq!(node["data"]["node"]["fullName"], "contoso/Platform/api-gateway", "{node}");
}
on_both_backends!(repositories_pull_requests_and_comments_carry_their_fields);

async fn accessible_projects_limit_everything_and_invisible_repositories_are_null(app: TestApp) {
    let id = pat_integration(&app, json!({ "accessibleProjects": ["Website"] })).await;
    let projects = app.gql(PROJECTS, json!({ "id": id })).await;
    let names: Vec<&str> = projects["data"]["azureDevOpsIntegration"]["projects"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|e| e["node"]["name"].as_str())
        .collect();
    assert_eq!(names, ["Website"]);
    let repos = app.gql(REPOS, json!({ "id": id })).await;
    assert_eq!(repos["data"]["azureDevOpsIntegration"]["repositories"]["totalCount"], 1);
    let hidden = app.gql(REPO, json!({ "id": id, "name": "contoso/Platform/api-gateway" })).await;
    assert!(hidden["data"]["repository"].is_null(), "{hidden}");
    let unknown = app.gql(REPO, json!({ "id": id, "name": "contoso/Website/nope" })).await;
    assert!(unknown["data"]["repository"].is_null() && unknown.get("errors").is_none(), "{unknown}");
    let other_org = app.gql(REPO, json!({ "id": id, "name": "fabrikam/Website/www" })).await;
    assert!(other_org["data"]["repository"].is_null());
    let malformed = app.gql(REPO, json!({ "id": id, "name": "contoso/www" })).await;
    assert_eq!(error_code(&malformed), Some("VALIDATION"));
    assert_eq!(malformed["errors"][0]["extensions"]["field"], "fullName");

    // Work item ids are organization-wide: an item is reached only through its own project.
    app.fake.add_work_item("contoso", "Website", 9001);
    let wi = "query($id: ID!, $p: String!, $w: Int!) { workItemComments(integrationId: $id, project: $p, workItemId: $w) { totalCount } }";
    let own = app.gql(wi, json!({ "id": id, "p": "Website", "w": 9001 })).await;
    assert!(own.get("errors").is_none(), "{own}");
    let smuggled = app.gql(wi, json!({ "id": id, "p": "Website", "w": 4521 })).await;
    assert_eq!(error_code(&smuggled), Some("NOT_FOUND"), "a Platform item read through Website: {smuggled}");
    let add = "mutation($i: AddWorkItemCommentInput!) { addWorkItemComment(input: $i) { comment { id } } }";
    let posted = app
        .gql(add, json!({ "i": { "integrationId": id, "project": "Website", "workItemId": 4521, "text": "hi" } }))
        .await;
    assert_eq!(error_code(&posted), Some("NOT_FOUND"), "{posted}");
    assert!(
        !app.fake
            .requests()
            .iter()
            .any(|r| r.method == "POST" && r.path.to_ascii_lowercase().contains("/workitems/4521"))
    );
    let everywhere = pat_integration(&app, json!({})).await;
    let mismatched = app.gql(wi, json!({ "id": everywhere, "p": "Website", "w": 4521 })).await;
    assert_eq!(error_code(&mismatched), Some("NOT_FOUND"), "{mismatched}");
    let matched = app.gql(wi, json!({ "id": everywhere, "p": "platform", "w": 4521 })).await;
    assert!(matched.get("errors").is_none(), "{matched}");
}
on_both_backends!(accessible_projects_limit_everything_and_invisible_repositories_are_null);

const ONE_REPO: &str =
    "query($id: ID!) { repository(integrationId: $id, fullName: \"contoso/Platform/api-gateway\") { name } }";

async fn faults_are_retried_or_reported_with_their_codes(app: TestApp) {
    let id = pat_integration(&app, json!({})).await;
    // 429 then OK: waited out (Retry-After within the cap).
    app.fake.set_behaviour("contoso", Behaviour::Sequence(vec![Behaviour::RateLimited { retry_after_secs: 1 }]));
    let body = app.gql(ONE_REPO, json!({ "id": id })).await;
    assert_eq!(body["data"]["repository"]["name"], "api-gateway", "{body}");
    // 503 twice then OK: retried.
    let other = pat_integration(&app, json!({})).await;
    app.fake.set_behaviour("contoso", Behaviour::Sequence(vec![Behaviour::ServerError, Behaviour::ServerError]));
    let body = app.gql(ONE_REPO, json!({ "id": other })).await;
    assert_eq!(body["data"]["repository"]["name"], "api-gateway", "{body}");
    // A long Retry-After: RATE_LIMITED with retryAfterSeconds.
    let third = pat_integration(&app, json!({})).await;
    app.fake.set_behaviour("contoso", Behaviour::RateLimited { retry_after_secs: 120 });
    let body = app.gql(ONE_REPO, json!({ "id": third })).await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["retryAfterSeconds"], 120);
    // Failing for good: UPSTREAM_UNAVAILABLE.
    app.fake.set_behaviour("contoso", Behaviour::ServerError);
    let body = app.gql(ONE_REPO, json!({ "id": third })).await;
    assert_eq!(error_code(&body), Some("UPSTREAM_UNAVAILABLE"), "{body}");
    // Slow: the timeout fires.
    app.fake.set_behaviour("contoso", Behaviour::Slow(Duration::from_secs(10)));
    let body = app.gql(ONE_REPO, json!({ "id": third })).await;
    assert_eq!(error_code(&body), Some("UPSTREAM_UNAVAILABLE"), "{body}");
    app.fake.set_behaviour("contoso", Behaviour::Normal);
    // Revoked mid-way: NOT_AUTHORIZED_UPSTREAM, and the integration is FAILING with the code.
    app.fake.remove_pat("contoso", DEFAULT_PAT);
    let body = app.gql(ONE_REPO, json!({ "id": third })).await;
    assert_eq!(error_code(&body), Some("NOT_AUTHORIZED_UPSTREAM"), "{body}");
    let got = app.gql(&queries::get(), json!({ "id": third })).await;
    assert_eq!(got["data"]["azureDevOpsIntegration"]["status"], "FAILING");
    assert_eq!(got["data"]["azureDevOpsIntegration"]["lastVerification"]["code"], "PAT_INVALID");
}
on_both_backends!(faults_are_retried_or_reported_with_their_codes);

/// A network blip under a nested upstream field nulls that field, with its error, never the
/// integration: a provider reading null as "gone" would drop the resource from its state.
async fn an_upstream_failure_nulls_the_field_not_the_integration(app: TestApp) {
    let id = pat_integration(&app, json!({})).await;
    app.fake.set_behaviour("contoso", Behaviour::ServerError);
    let query = "query($id: ID!) { azureDevOpsIntegration(id: $id) { id name status \
        projects(first: 5) { edges { node { name } } } repositories(first: 5) { edges { node { name } } } } }";
    let body = app.gql(query, json!({ "id": id })).await;
    app.fake.set_behaviour("contoso", Behaviour::Normal);
    let integration = &body["data"]["azureDevOpsIntegration"];
    assert_eq!(integration["id"], id.as_str(), "the stored fields stay readable: {body}");
    assert!(integration["name"].is_string());
    assert!(integration["projects"].is_null() && integration["repositories"].is_null(), "{body}");
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 2, "{body}");
    for e in errors {
        assert_eq!(e["extensions"]["code"], "UPSTREAM_UNAVAILABLE", "{e}");
        let hint = e["extensions"]["hint"].as_str().unwrap_or_default();
        assert!(hint.contains("UPSTREAM_UNREACHABLE"), "the hint ties it to verification's code: {e}");
        assert_eq!(e["path"][0], "azureDevOpsIntegration");
    }

    let nested = "query($id: ID!) { repository(integrationId: $id, fullName: \"contoso/Platform/api-gateway\") { \
        name branches(first: 5) { edges { node { name } } } } }";
    let warm = app.gql(nested, json!({ "id": id })).await;
    assert!(warm.get("errors").is_none(), "{warm}");
    app.fake.set_behaviour("contoso", Behaviour::ServerError);
    let other_branches = "query($id: ID!) { repository(integrationId: $id, fullName: \"contoso/Platform/api-gateway\") { \
        name pullRequests(first: 5) { edges { node { title } } } } }";
    let body = app.gql(other_branches, json!({ "id": id })).await;
    app.fake.set_behaviour("contoso", Behaviour::Normal);
    assert_eq!(body["data"]["repository"]["name"], "api-gateway", "the repository (cached) stays: {body}");
    assert!(body["data"]["repository"]["pullRequests"].is_null(), "{body}");
    assert_eq!(error_code(&body), Some("UPSTREAM_UNAVAILABLE"));
}
on_both_backends!(an_upstream_failure_nulls_the_field_not_the_integration);

async fn the_cache_and_single_flight_bound_upstream_calls(app: TestApp) {
    for n in 0..49 {
        app.fake.add_repository("contoso", "Platform", &format!("many-{n:02}"));
    }
    let id = pat_integration(&app, json!({})).await;
    let query = REPOS;
    let vars = json!({ "id": id, "project": "Platform", "first": 50 });
    app.fake.clear_requests();
    let cold = app.gql(query, vars.clone()).await;
    let edges = cold["data"]["azureDevOpsIntegration"]["repositories"]["edges"].as_array().expect("edges").len();
    assert_eq!(edges, 50, "{cold}");
    assert_eq!(
        app.fake.request_count("/_apis/git/repositories"),
        1,
        "a 50-repository page with defaultBranch costs one call"
    );
    app.fake.clear_requests();
    app.gql(query, vars.clone()).await;
    assert_eq!(app.fake.requests().len(), 0, "a warm-cache repeat costs no call");

    let other = pat_integration(&app, json!({})).await;
    app.fake.set_behaviour("contoso", Behaviour::Slow(Duration::from_millis(300)));
    app.fake.clear_requests();
    let vars = json!({ "id": other, "project": "Platform", "first": 50 });
    let calls = (0..20).map(|_| app.gql(query, vars.clone()));
    let answers = futures::future::join_all(calls).await;
    assert!(answers.iter().all(|a| a.get("errors").is_none()));
    assert_eq!(app.fake.request_count("/_apis/git/repositories"), 1, "20 concurrent identical queries cost one call");
}
on_both_backends!(the_cache_and_single_flight_bound_upstream_calls);

#[tokio::test]
async fn an_expired_cache_entry_is_revalidated_with_its_etag() {
    let app = crate::support::spawn_with(crate::support::Backend::Sqlite, |c| {
        c.upstream_cache_ttl = Duration::from_millis(200);
    })
    .await
    .expect("sqlite");
    app.fake.set_etags(true);
    let id = pat_integration(&app, json!({})).await;
    let first = app.gql(ONE_REPO, json!({ "id": id })).await;
    assert_eq!(first["data"]["repository"]["name"], "api-gateway");
    tokio::time::sleep(Duration::from_millis(400)).await;
    app.fake.clear_requests();
    let second = app.gql(ONE_REPO, json!({ "id": id })).await;
    assert_eq!(second["data"]["repository"]["name"], "api-gateway", "{second}");
    let seen = app.fake.requests();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].header("if-none-match").is_some_and(|t| t.starts_with("W/\"")), "conditional request sent");
}

#[tokio::test]
async fn a_reset_connection_is_retried() {
    let app = crate::support::spawn_app().await;
    let id = pat_integration(&app, json!({})).await;
    app.fake.set_behaviour("contoso", Behaviour::Sequence(vec![Behaviour::ResetConnection]));
    let body = app.gql(ONE_REPO, json!({ "id": id })).await;
    assert_eq!(body["data"]["repository"]["name"], "api-gateway", "{body}");
}

#[tokio::test]
async fn html_invalid_json_and_oversized_answers_are_clear_errors_not_crashes() {
    let app = crate::support::spawn_app().await;
    for behaviour in [Behaviour::HtmlInsteadOfJson, Behaviour::InvalidJson, Behaviour::Oversized(9 * 1024 * 1024)] {
        let id = pat_integration(&app, json!({})).await;
        app.fake.set_behaviour("contoso", behaviour.clone());
        let started = std::time::Instant::now();
        let body = app.gql(ONE_REPO, json!({ "id": id })).await;
        assert_eq!(error_code(&body), Some("UPSTREAM_UNAVAILABLE"), "{behaviour:?}: {body}");
        assert!(started.elapsed() < Duration::from_secs(5), "{behaviour:?} answered promptly");
        app.fake.set_behaviour("contoso", Behaviour::Normal);
    }
    // The server is still healthy afterwards.
    assert_eq!(app.http.get(format!("{}/healthz", app.base)).send().await.expect("healthz").status(), 200);
}

#[tokio::test]
async fn a_redirect_is_never_followed() {
    let app = crate::support::spawn_app().await;
    let id = pat_integration(&app, json!({})).await;
    app.fake.set_behaviour("contoso", Behaviour::Redirect("http://169.254.169.254/latest/meta-data".into()));
    app.fake.clear_requests();
    let body = app.gql(ONE_REPO, json!({ "id": id })).await;
    assert_eq!(error_code(&body), Some("UPSTREAM_UNAVAILABLE"), "{body}");
    assert_eq!(app.fake.requests().len(), 1, "one call, the redirect not followed");
}
