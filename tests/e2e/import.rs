//! What a Terraform-style provider imports and reads with: an integration by its name (the natural
//! identity, unique per tenant), the list filtered by organization (canonically), flavor and the
//! credentials it holds, without a secret in any answer, and the webhook password through an
//! audited, rate-limited reveal.

use fake_azure::DEFAULT_PAT;
use serde_json::{Value, json};

use crate::support::integrations::{oauth_integration, pat_integration};
use crate::support::{TestApp, error_code, on_both_backends, queries};

const BY_NAME: &str = "query($n: String!) { azureDevOpsIntegrationByName(name: $n) { id name } }";
const LIST: &str = "query($org: String, $flavor: AzureDevOpsFlavor, $kinds: [CredentialKind!]) { \
    azureDevOpsIntegrations(first: 50, organizationUrl: $org, flavor: $flavor, credentialKinds: $kinds) { \
    totalCount edges { node { id name organizationUrl flavor } } } }";

fn names(body: &Value) -> Vec<String> {
    let mut names: Vec<String> = body["data"]["azureDevOpsIntegrations"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .filter_map(|e| e["node"]["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

async fn integrations_are_found_by_name_and_by_organization_flavor_and_credentials(app: TestApp) {
    let pat = pat_integration(&app, json!({ "name": "Contoso-Main" })).await;
    let oauth = oauth_integration(&app, "contoso-users", true).await;
    let server = json!({ "name": "onprem", "organizationUrl": "https://ado.example.com/tfs/DefaultCollection",
        "flavor": "SERVER", "personalAccessToken": DEFAULT_PAT, "verify": false });
    let made = app.gql(&queries::create(), json!({ "i": server })).await;
    assert!(made.get("errors").is_none(), "{made}");

    let found = app.gql(BY_NAME, json!({ "n": "contoso-main" })).await;
    assert_eq!(found["data"]["azureDevOpsIntegrationByName"]["id"], pat.as_str(), "any case: {found}");
    let none = app.gql(BY_NAME, json!({ "n": "nobody" })).await;
    assert!(none["data"]["azureDevOpsIntegrationByName"].is_null() && none.get("errors").is_none(), "{none}");

    let legacy = app.org_url().replace("/contoso", "/Contoso/");
    let by_org = app.gql(LIST, json!({ "org": legacy })).await;
    assert_eq!(names(&by_org), ["Contoso-Main", "contoso-users"], "canonically the same organization: {by_org}");
    let servers = app.gql(LIST, json!({ "flavor": "SERVER" })).await;
    assert_eq!(names(&servers), ["onprem"]);
    let with_oauth = app.gql(LIST, json!({ "kinds": ["OAUTH_APP"] })).await;
    let ids: Vec<&str> = with_oauth["data"]["azureDevOpsIntegrations"]["edges"]
        .as_array()
        .map(|e| e.iter().filter_map(|n| n["node"]["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ids, [oauth.as_str()], "{with_oauth}");
    let both = app.gql(LIST, json!({ "kinds": ["PAT", "OAUTH_APP"], "flavor": "SERVICES" })).await;
    assert_eq!(both["data"]["azureDevOpsIntegrations"]["totalCount"], 1, "every kind listed: {both}");
    assert!(!both.to_string().contains(DEFAULT_PAT), "no secret in a list");

    let bad = app.gql(LIST, json!({ "org": "not a url" })).await;
    assert_eq!(error_code(&bad), Some("VALIDATION"), "{bad}");
}
on_both_backends!(integrations_are_found_by_name_and_by_organization_flavor_and_credentials);

const REVEAL: &str = "mutation($id: ID!) { revealWebhookPassword(input: { integrationId: $id }) { webhookPassword } }";

/// A provider's ephemeral resource reads the webhook password through an audited, rate-limited
/// reveal instead of keeping the create-time copy in state.
async fn the_webhook_password_is_revealed_audited_and_rate_limited(app: TestApp) {
    let (id, _, password) = crate::support::integrations::webhook_integration(&app).await;
    let revealed = app.gql(REVEAL, json!({ "id": id })).await;
    assert_eq!(revealed["data"]["revealWebhookPassword"]["webhookPassword"], password.as_str(), "{revealed}");
    let audit = app.gql("{ auditEvents(first: 20) { edges { node { action } } } }", json!({})).await;
    let reveals = audit["data"]["auditEvents"]["edges"]
        .as_array()
        .map_or(0, |e| e.iter().filter(|n| n["node"]["action"] == "integration.reveal_webhook_password").count());
    assert_eq!(reveals, 1, "each reveal is an audit event: {audit}");
    let member = app.token("mia", "MEMBER").await;
    let refused = app.gql_as(Some(&member), REVEAL, json!({ "id": id })).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let mut limited = None;
    for _ in 0..20 {
        let body = app.gql(REVEAL, json!({ "id": id })).await;
        if body.get("errors").is_some() {
            limited = Some(body);
            break;
        }
    }
    let limited = limited.expect("the reveals are rate-limited");
    assert_eq!(error_code(&limited), Some("RATE_LIMITED"), "{limited}");
    assert!(limited["errors"][0]["extensions"]["retryAfterSeconds"].as_u64().is_some_and(|s| s >= 1));
}
on_both_backends!(the_webhook_password_is_revealed_audited_and_rate_limited);
