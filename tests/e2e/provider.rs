//! A provider's-eye test: the `azuredevops_integration` resource of a Terraform-style provider, as
//! `docs/terraform-walkthrough.md` builds it, walked over HTTP through one lifecycle: plan
//! (`validateOnly`) → create → read → plan and apply a bumped `_wo_version` → re-apply unchanged →
//! import by identity → delete → read gone. The state the provider keeps, and every answer after
//! the create, hold no secret.

use fake_azure::DEFAULT_PAT;
use serde_json::{Map, Value, json};

use crate::support::{TestApp, error_code, on_both_backends};

const CREATE: &str = "mutation($i: CreateAzureDevOpsIntegrationInput!) { createAzureDevOpsIntegration(input: $i) { \
    integration { id } webhookPassword verification { ok code } } }";
const READ: &str = "query($id: ID!) { azureDevOpsIntegration(id: $id) { id name labels organizationUrl flavor status \
    personalAccessToken { version } webhook { endpointUrl password { version } } } }";
const UPDATE: &str = "mutation($i: UpdateAzureDevOpsIntegrationInput!) { updateAzureDevOpsIntegration(input: $i) { \
    integration { id } verification { ok code } } }";
const IMPORT: &str = "query($name: String!) { azureDevOpsIntegrationByName(name: $name) { id } }";
const DELETE: &str = "mutation($id: ID!) { unlinkAzureDevOpsIntegration(input: { id: $id }) { unlinkedId } }";

/// The resource's configuration: what the HCL says (`*_wo` arguments are write-only).
struct Config {
    name: &'static str,
    labels: Vec<&'static str>,
    personal_access_token_wo: String,
    personal_access_token_wo_version: i32,
    webhook_password_wo: &'static str,
    webhook_password_wo_version: i32,
}

/// The provider: a GraphQL client that remembers every answer (to check for secrets).
struct Provider<'a> {
    app: &'a TestApp,
    org_url: String,
    answers: Vec<Value>,
}

impl Provider<'_> {
    async fn call(&mut self, query: &str, variables: Value) -> Value {
        let body = self.app.gql(query, variables).await;
        self.answers.push(body.clone());
        body
    }

    fn create_input(&self, c: &Config) -> Value {
        json!({ "name": c.name, "labels": c.labels, "organizationUrl": self.org_url,
            "personalAccessToken": c.personal_access_token_wo,
            "personalAccessTokenVersion": c.personal_access_token_wo_version,
            "webhookPassword": c.webhook_password_wo, "webhookPasswordVersion": c.webhook_password_wo_version,
            "idempotencyKey": format!("azuredevops_integration.{}", c.name) })
    }

    /// `terraform plan` of a new resource: everything checked, nothing stored.
    async fn plan_create(&mut self, c: &Config) -> Value {
        let mut input = self.create_input(c);
        input["validateOnly"] = json!(true);
        self.call(CREATE, json!({ "i": input })).await
    }

    async fn create(&mut self, c: &Config) -> String {
        let body = self.call(CREATE, json!({ "i": self.create_input(c) })).await;
        let created = &body["data"]["createAzureDevOpsIntegration"];
        assert_eq!(created["verification"]["ok"], true, "{body}");
        assert!(created["webhookPassword"].is_null(), "a given password is never echoed: {body}");
        created["integration"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned()
    }

    /// Refresh: the state, or `None` when the resource is gone (null without an error).
    async fn read(&mut self, id: &str) -> Option<Map<String, Value>> {
        let body = self.call(READ, json!({ "id": id })).await;
        assert!(body.get("errors").is_none(), "an error is 'unknown, retry', never 'gone': {body}");
        let i = body["data"]["azureDevOpsIntegration"].as_object()?;
        let mut state = Map::new();
        for key in ["id", "name", "labels", "organizationUrl", "flavor", "status"] {
            state.insert(key.to_owned(), i[key].clone());
        }
        state.insert("personal_access_token_wo_version".into(), i["personalAccessToken"]["version"].clone());
        state.insert("webhook_password_wo_version".into(), i["webhook"]["password"]["version"].clone());
        state.insert("webhook_endpoint_url".into(), i["webhook"]["endpointUrl"].clone());
        Some(state)
    }

    /// The update a diff between `state` and `c` needs: write-only values are sent only when their
    /// version moved (the provider cannot compare values it never stored).
    fn update_input(state: &Map<String, Value>, c: &Config) -> Value {
        let mut input = json!({ "id": state["id"], "labels": c.labels });
        if state["personal_access_token_wo_version"] != c.personal_access_token_wo_version {
            input["personalAccessToken"] = json!(c.personal_access_token_wo);
            input["personalAccessTokenVersion"] = json!(c.personal_access_token_wo_version);
        }
        if state["webhook_password_wo_version"] != c.webhook_password_wo_version {
            input["webhookPassword"] = json!(c.webhook_password_wo);
            input["webhookPasswordVersion"] = json!(c.webhook_password_wo_version);
        }
        input
    }

    async fn plan_update(&mut self, state: &Map<String, Value>, c: &Config) -> Value {
        let mut input = Self::update_input(state, c);
        input["validateOnly"] = json!(true);
        self.call(UPDATE, json!({ "i": input })).await
    }

    async fn apply_update(&mut self, state: &Map<String, Value>, c: &Config) -> Value {
        self.call(UPDATE, json!({ "i": Self::update_input(state, c) })).await
    }

    /// `import { identity = { name = "…" } }`.
    async fn import(&mut self, name: &str) -> Option<String> {
        let body = self.call(IMPORT, json!({ "name": name })).await;
        body["data"]["azureDevOpsIntegrationByName"]["id"].as_str().map(str::to_owned)
    }

    /// Destroy: `NOT_FOUND` counts as done.
    async fn delete(&mut self, id: &str) {
        let body = self.call(DELETE, json!({ "id": id })).await;
        assert!(body.get("errors").is_none() || error_code(&body) == Some("NOT_FOUND"), "{body}");
    }
}

async fn a_provider_walks_the_whole_lifecycle_without_a_secret_in_state(app: TestApp) {
    let mut provider = Provider { app: &app, org_url: app.org_url(), answers: Vec::new() };
    let second_pat = format!("z{}", &DEFAULT_PAT[1..]);
    app.fake.add_pat(fake_azure::DEFAULT_ORG, &second_pat, fake_azure::Pat::full(fake_azure::User::dana()));
    let mut config = Config {
        name: "contoso",
        labels: vec!["prod"],
        personal_access_token_wo: DEFAULT_PAT.to_owned(),
        personal_access_token_wo_version: 1,
        webhook_password_wo: "webhook-password-from-vault-01",
        webhook_password_wo_version: 1,
    };

    let plan = provider.plan_create(&config).await;
    assert_eq!(plan["data"]["createAzureDevOpsIntegration"]["integration"], Value::Null, "{plan}");
    assert_eq!(plan["data"]["createAzureDevOpsIntegration"]["verification"]["ok"], true, "{plan}");
    let bad = provider.plan_create(&Config { name: "", ..clone(&config) }).await;
    assert_eq!(error_code(&bad), Some("VALIDATION"), "{bad}");
    assert_eq!(bad.pointer("/errors/0/extensions/field").and_then(Value::as_str), Some("name"), "{bad}");

    let id = provider.create(&config).await;
    let secrets = [DEFAULT_PAT, second_pat.as_str(), config.webhook_password_wo];
    let after_create = provider.answers.len();
    let state = provider.read(&id).await.expect("created");
    assert_eq!(
        (&state["personal_access_token_wo_version"], &state["webhook_password_wo_version"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(state["status"], "HEALTHY", "{state:?}");

    // The token is rotated in the vault: the configuration bumps its version.
    config.personal_access_token_wo = second_pat.clone();
    config.personal_access_token_wo_version = 2;
    let plan = provider.plan_update(&state, &config).await;
    assert_eq!(plan["data"]["updateAzureDevOpsIntegration"]["verification"]["ok"], true, "the new token works: {plan}");
    assert_eq!(provider.read(&id).await.expect("still there"), state, "a plan changes nothing");
    let applied = provider.apply_update(&state, &config).await;
    assert!(applied.get("errors").is_none(), "{applied}");
    let state = provider.read(&id).await.expect("updated");
    assert_eq!(state["personal_access_token_wo_version"], 2);
    assert_eq!(state["webhook_password_wo_version"], 1, "the password was not sent");

    // A second apply of the same configuration: no diff, and the server agrees.
    let again = provider.apply_update(&state, &config).await;
    assert!(again.get("errors").is_none(), "{again}");
    assert_eq!(provider.read(&id).await.expect("there"), state);
    // A provider that sends the old token under the new version is told to bump it.
    let stale = provider
        .call(UPDATE, json!({ "i": { "id": id, "personalAccessToken": DEFAULT_PAT, "personalAccessTokenVersion": 2 } }))
        .await;
    assert_eq!(error_code(&stale), Some("CONFLICT"), "{stale}");

    // Import by identity into a fresh state.
    let imported = provider.import("Contoso").await.expect("found by name");
    assert_eq!(imported, id);
    assert_eq!(provider.read(&imported).await.expect("imported"), state);

    provider.delete(&id).await;
    assert_eq!(provider.read(&id).await, None, "gone: removed from state");
    assert_eq!(provider.import("contoso").await, None);
    provider.delete(&id).await;

    for answer in &provider.answers[after_create..] {
        let text = answer.to_string();
        for secret in secrets {
            assert!(!text.contains(secret), "an answer after create carries a secret: {text}");
        }
    }
    let state_text = serde_json::to_string(&state).expect("state");
    assert!(secrets.iter().all(|s| !state_text.contains(s)), "no secret in state: {state_text}");
}
on_both_backends!(a_provider_walks_the_whole_lifecycle_without_a_secret_in_state);

fn clone(c: &Config) -> Config {
    Config {
        name: c.name,
        labels: c.labels.clone(),
        personal_access_token_wo: c.personal_access_token_wo.clone(),
        personal_access_token_wo_version: c.personal_access_token_wo_version,
        webhook_password_wo: c.webhook_password_wo,
        webhook_password_wo_version: c.webhook_password_wo_version,
    }
}
