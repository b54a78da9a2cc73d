//! api-version negotiation against every Azure DevOps release the fake simulates: verification,
//! browse, git writes, work item comments and service hooks each use the version the
//! organization serves, as the fake's recorded requests show.

use fake_azure::{DEFAULT_ORG, DEFAULT_PAT, Pat, RecordedRequest, ServerOptions, ServerRelease, User};
use serde_json::{Value, json};

use crate::support::acting::{COMMENT, CREATE_BRANCH, CREATE_PR};
use crate::support::{Backend, TestApp, public_url, queries, spawn_with};

const COLLECTION: &str = "DefaultCollection";
const WI_COMMENT: &str = "mutation($i: AddWorkItemCommentInput!) { addWorkItemComment(input: $i) { \
    comment { id content author } format clientMutationId } }";
const WI_COMMENTS: &str = "query($id: ID!) { workItemComments(integrationId: $id, project: \"Platform\", workItemId: 4521) { \
    edges { node { id content author } } } }";
const REPOS: &str = "query($id: ID!) { azureDevOpsIntegration(id: $id) { repositories(first: 10) { \
    edges { node { name project } } } } }";
const INSTALL: &str = "mutation($i: InstallServiceHooksInput!) { installServiceHooks(input: $i) { \
    serviceHooks { eventType state } } }";

/// One simulated product: its name for messages, and what vcslink should ask each resource with.
struct Case {
    release: Option<ServerRelease>,
    /// Released resources (projects, git, hooks, security).
    released: &'static str,
    /// Work item comments: `(method, path suffix, version)` of the add.
    comment_add: (&'static str, &'static str, &'static str),
    format: &'static str,
}

const CASES: [Case; 5] = [
    Case { release: None, released: "7.1", comment_add: ("POST", "/comments", "7.1-preview.4"), format: "MARKDOWN" },
    Case {
        release: Some(ServerRelease::Server2022_1),
        released: "7.1",
        comment_add: ("POST", "/comments", "7.1-preview.4"),
        format: "MARKDOWN",
    },
    Case {
        release: Some(ServerRelease::Server2022),
        released: "7.0",
        comment_add: ("POST", "/comments", "7.0-preview.3"),
        format: "HTML",
    },
    Case {
        release: Some(ServerRelease::Server2020),
        released: "6.0",
        comment_add: ("POST", "/comments", "6.0-preview.3"),
        format: "HTML",
    },
    Case {
        release: Some(ServerRelease::Server2019),
        released: "5.0",
        comment_add: ("PATCH", "/workitems/4521", "5.0"),
        format: "HTML",
    },
];

/// The organization (Services `contoso`, or a Server collection seeded like it) and a verified
/// PAT integration on it; returns the integration id and the verification.
async fn verified(app: &TestApp, release: Option<ServerRelease>) -> (String, Value) {
    let (org, flavor) = match release {
        None => (DEFAULT_ORG, "SERVICES"),
        Some(release) => {
            app.fake.add_server_collection(COLLECTION, ServerOptions { release, localhost_urls: false });
            app.fake.add_pat(COLLECTION, DEFAULT_PAT, Pat::full(User::dana()));
            app.fake.add_project(COLLECTION, "Platform");
            app.fake.add_repository(COLLECTION, "Platform", "api-gateway");
            app.fake.add_work_item(COLLECTION, "Platform", 4521);
            (COLLECTION, "SERVER")
        }
    };
    let input = json!({ "name": format!("v-{}", uuid::Uuid::new_v4().simple()), "organizationUrl": app.fake.org_url(org),
        "flavor": flavor, "personalAccessToken": DEFAULT_PAT });
    let body = app.gql(&queries::create(), json!({ "i": input })).await;
    let p = &body["data"]["createAzureDevOpsIntegration"];
    let id = p["integration"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    (id, p.clone())
}

/// The api-version of the last `method` request whose path ends with `suffix`.
fn version_of(requests: &[RecordedRequest], method: &str, suffix: &str) -> String {
    requests
        .iter()
        .rev()
        .find(|r| r.method == method && r.path.to_ascii_lowercase().ends_with(&suffix.to_ascii_lowercase()))
        .unwrap_or_else(|| panic!("no {method} …{suffix} in {requests:#?}"))
        .api_version()
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn a_services_pat_integration_verifies_healthy_with_connection_data_at_a_preview_version() {
    let app = spawn_with(Backend::Sqlite, |_| {}).await.expect("sqlite");
    let (_, payload) = verified(&app, None).await;
    assert_eq!(payload["verification"]["ok"], true, "{payload}");
    assert_eq!(payload["integration"]["status"], "HEALTHY", "{payload}");
    let requests = app.fake.requests();
    let connection: Vec<_> = requests.iter().filter(|r| r.path.ends_with("/_apis/connectionData")).collect();
    assert!(!connection.is_empty());
    assert!(connection.iter().all(|r| r.api_version() == Some("7.1-preview.1")), "{connection:#?}");
}

#[tokio::test]
async fn every_call_site_speaks_the_version_each_release_serves() {
    for case in CASES {
        let app = spawn_with(Backend::Sqlite, public_url).await.expect("sqlite");
        let name = format!("{:?}", case.release);
        let (id, payload) = verified(&app, case.release).await;
        assert_eq!(payload["verification"]["ok"], true, "{name}: {payload}");
        let org = if case.release.is_some() { COLLECTION } else { DEFAULT_ORG };
        let repo = format!("{org}/Platform/api-gateway");

        let browse = app.gql(REPOS, json!({ "id": id })).await;
        let edges = browse.pointer("/data/azureDevOpsIntegration/repositories/edges").and_then(Value::as_array);
        let names: Vec<&Value> = edges.into_iter().flatten().map(|e| &e["node"]["name"]).collect();
        assert!(names.contains(&&json!("api-gateway")), "{name}: {browse}");

        let branch = app
            .gql(
                CREATE_BRANCH,
                json!({ "i": { "integrationId": id, "repository": repo, "name": "bot/v", "from": "main" } }),
            )
            .await;
        assert_eq!(branch["data"]["createBranch"]["branch"]["name"], "bot/v", "{name}: {branch}");
        let pr = app
            .gql(
                CREATE_PR,
                json!({ "i": { "integrationId": id, "repository": repo, "sourceBranch": "bot/v",
                    "targetBranch": "main", "title": "Versions" } }),
            )
            .await;
        let number = pr["data"]["createPullRequest"]["pullRequest"]["number"].clone();
        assert!(number.is_number(), "{name}: {pr}");
        let comment = app
            .gql(
                COMMENT,
                json!({ "i": { "integrationId": id, "repository": repo, "pullRequestNumber": number, "content": "LGTM" } }),
            )
            .await;
        assert_eq!(comment["data"]["addPullRequestComment"]["comment"]["content"], "LGTM", "{name}: {comment}");

        let text = "a < b\nsecond line";
        let wi = app
            .gql(
                WI_COMMENT,
                json!({ "i": { "integrationId": id, "project": "Platform", "workItemId": 4521, "text": text } }),
            )
            .await;
        let added = &wi["data"]["addWorkItemComment"];
        assert_eq!(added["format"], case.format, "{name}: {wi}");
        let expected = if case.format == "HTML" { "a &lt; b<br>second line" } else { text };
        assert_eq!(added["comment"]["content"], expected, "{name}: {wi}");
        let list = app.gql(WI_COMMENTS, json!({ "id": id })).await;
        let edges = list.pointer("/data/workItemComments/edges").and_then(Value::as_array).cloned().unwrap_or_default();
        assert_eq!(edges.last().map(|e| e["node"]["content"].clone()), Some(json!(expected)), "{name}: {list}");

        let hooks = app
            .gql(INSTALL, json!({ "i": { "integrationId": id, "project": "Platform", "repository": "api-gateway" } }))
            .await;
        assert!(hooks.get("errors").is_none(), "{name}: {hooks}");

        let requests = app.fake.requests();
        let released = case.released;
        assert_eq!(version_of(&requests, "GET", "/_apis/connectionData"), format!("{released}-preview.1"), "{name}");
        for (method, suffix) in [
            ("GET", "/_apis/projects"),
            ("GET", "/git/repositories"),
            ("POST", "/refs"),
            ("POST", "/pullrequests"),
            ("POST", "/threads"),
            ("POST", "/_apis/hooks/subscriptions"),
        ] {
            assert_eq!(version_of(&requests, method, suffix), released, "{name}: {method} {suffix}");
        }
        let (method, suffix, version) = case.comment_add;
        assert_eq!(version_of(&requests, method, suffix), version, "{name}: the comment");
        // Negotiated once, at verification: nothing but its first connectionData asks above the release.
        if let Some(release) = case.release {
            let (major, minor) = release.max_api_version();
            let too_new = requests.iter().filter(|r| !r.path.ends_with("/_apis/connectionData")).find(|r| {
                let v = r.api_version().unwrap_or("0.0");
                let number: Vec<u32> = v.split(['.', '-']).take(2).filter_map(|n| n.parse().ok()).collect();
                number.as_slice() > [major, minor].as_slice()
            });
            assert!(too_new.is_none(), "{name}: asked above the release: {too_new:#?}");
        }
    }
}
