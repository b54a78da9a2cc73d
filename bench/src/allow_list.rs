//! (h) Growth: `repositories(first: 50)` with an allow-list of 1 project and of 200, counted in
//! upstream calls per page (cold cache, every page of the list). The target is at most one call
//! per page, the same for both: an allow-list filters one organization-wide read.

use fake_azure::{DEFAULT_PAT, FakeAzure};
use serde_json::{Value, json};

use crate::report::Row;

const CREATE: &str = "mutation($i: CreateAzureDevOpsIntegrationInput!) { createAzureDevOpsIntegration(input: $i) { integration { id } } }";
const PAGE: &str =
    "query($id: ID!, $after: String) { azureDevOpsIntegration(id: $id) { repositories(first: 50, after: $after) {
    pageInfo { hasNextPage endCursor } edges { node { name } } } } }";

pub async fn rows(client: &reqwest::Client, gql: &str, fake: &FakeAzure, projects: usize) -> Vec<Row> {
    let mut names = Vec::new();
    for n in 0..projects {
        let project = format!("Growth-{n:03}");
        fake.add_project("contoso", &project);
        fake.add_repository("contoso", &project, &format!("growth-{n:03}"));
        names.push(project);
    }
    let (small, small_pages) = calls_per_page(client, gql, fake, &names[..1]).await;
    let (large, large_pages) = calls_per_page(client, gql, fake, &names).await;
    vec![
        Row::at_most(
            "h",
            &format!("repositories(first: 50), allow-list of 1: upstream calls per page ({small_pages} pages)"),
            small,
            1.0,
        ),
        Row::at_most(
            "h",
            &format!(
                "repositories(first: 50), allow-list of {projects}: upstream calls per page ({large_pages} pages)"
            ),
            large,
            1.0,
        ),
        Row::at_most(
            "h",
            &format!("upstream calls per page, allow-list of {projects} / of 1"),
            large / small.max(1.0),
            1.0,
        ),
    ]
}

/// The most upstream calls one page took, walking the whole list, and how many pages it had.
async fn calls_per_page(client: &reqwest::Client, gql: &str, fake: &FakeAzure, allowed: &[String]) -> (f64, usize) {
    let name = format!("growth-{}", allowed.len());
    let input = json!({ "i": { "name": name, "organizationUrl": fake.org_url("contoso"), "flavor": "SERVICES",
        "personalAccessToken": DEFAULT_PAT, "accessibleProjects": allowed, "verify": false } });
    let created = crate::post(client, gql, CREATE, input).await;
    let id =
        created.pointer("/data/createAzureDevOpsIntegration/integration/id").and_then(Value::as_str).expect("created");
    let (mut most, mut pages, mut after) = (0, 0, Value::Null);
    loop {
        fake.clear_requests();
        let body = crate::post(client, gql, PAGE, json!({ "id": id, "after": after })).await;
        assert!(body.get("errors").is_none(), "{body}");
        most = most.max(fake.request_count("/_apis/"));
        pages += 1;
        let info = &body["data"]["azureDevOpsIntegration"]["repositories"]["pageInfo"];
        if info["hasNextPage"] != true || pages > 100 {
            break;
        }
        after = info["endCursor"].clone();
    }
    (most as f64, pages)
}
