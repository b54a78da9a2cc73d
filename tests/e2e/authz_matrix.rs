//! The authorization matrix: every query field and mutation of the schema (read from the schema
//! itself, so a new field without a rule fails) × {no token, revoked token, MEMBER, ADMIN of another
//! tenant, ADMIN}, checked against one declared table.

use serde_json::{Map, Value, json};

use crate::support::{TestApp, error_code, spawn_app};

/// One rule per root field: may a MEMBER call it, and does it name an object of the caller's tenant
/// (so another tenant's ADMIN must get NOT_FOUND or null, never the object)?
struct Rule {
    field: &'static str,
    admin_only: bool,
    tenant_scoped: bool,
}

const fn rule(field: &'static str, admin_only: bool, tenant_scoped: bool) -> Rule {
    Rule { field, admin_only, tenant_scoped }
}

const RULES: &[Rule] = &[
    // Queries.
    rule("viewer", false, false),
    rule("pendingAzureDevOpsAuthorization", false, true),
    rule("apiTokens", true, false),
    rule("node", false, true),
    rule("azureDevOpsIntegrations", false, false),
    rule("azureDevOpsIntegration", false, true),
    rule("azureDevOpsIntegrationByName", false, true),
    rule("repository", false, true),
    rule("auditEvents", true, false),
    rule("workItemComments", false, true),
    // Mutations.
    rule("createApiToken", true, false),
    rule("revokeApiToken", true, true),
    rule("createAzureDevOpsIntegration", true, false),
    rule("updateAzureDevOpsIntegration", true, true),
    rule("verifyAzureDevOpsIntegration", true, true),
    rule("rotateWebhookPassword", true, true),
    rule("revealWebhookPassword", true, true),
    rule("unlinkAzureDevOpsIntegration", true, true),
    rule("migrateIntegrationCredential", true, true),
    rule("startAzureDevOpsAuthorization", false, true),
    rule("completeAzureDevOpsAuthorization", false, true),
    rule("setPersonalAccessToken", false, true),
    rule("disconnectAzureDevOps", false, true),
    rule("createBranch", false, true),
    rule("createPullRequest", false, true),
    rule("addPullRequestComment", false, true),
    rule("cloneCredentials", false, true),
    rule("addWorkItemComment", false, true),
    rule("replayDelivery", true, true),
    rule("installServiceHooks", true, true),
    rule("repairServiceHooks", true, true),
    rule("createAutomation", true, true),
    rule("updateAutomation", true, true),
    rule("deleteAutomation", true, true),
];

const INTROSPECTION: &str = "{ __schema { queryType { name } mutationType { name }
  types { name kind
    fields { name args { name type { ...T } } }
    inputFields { name type { ...T } }
    enumValues { name } } } }
  fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

struct Schema {
    types: Map<String, Value>,
}

impl Schema {
    fn ty(&self, name: &str) -> &Value {
        self.types.get(name).unwrap_or_else(|| panic!("type {name} in the schema"))
    }

    /// A value for a type reference: required fields only, names chosen to reach the resolver.
    fn value(&self, field: &str, t: &Value, id: &str, org_url: &str) -> Value {
        match t["kind"].as_str() {
            Some("NON_NULL") => self.value(field, &t["ofType"], id, org_url),
            Some("LIST") => json!([self.value(field, &t["ofType"], id, org_url)]),
            Some("ENUM") => self.ty(t["name"].as_str().unwrap_or_default())["enumValues"][0]["name"].clone(),
            Some("INPUT_OBJECT") => {
                let mut obj = Map::new();
                for f in self.ty(t["name"].as_str().unwrap_or_default())["inputFields"].as_array().into_iter().flatten()
                {
                    if f["type"]["kind"] == "NON_NULL" {
                        let name = f["name"].as_str().unwrap_or_default();
                        obj.insert(name.into(), self.value(name, &f["type"], id, org_url));
                    }
                }
                if obj.contains_key("organizationUrl") {
                    obj.insert("flavor".into(), json!("SERVICES"));
                    obj.insert("verify".into(), json!(false));
                    obj.insert("personalAccessToken".into(), json!(fake_azure::DEFAULT_PAT));
                }
                Value::Object(obj)
            }
            _ => match (t["name"].as_str().unwrap_or_default(), field) {
                ("ID", _) => json!(id),
                ("Int", _) => json!(1),
                ("Boolean", _) => json!(false),
                ("String", "organizationUrl") => json!(org_url),
                ("String", "repository" | "fullName") => json!("contoso/Platform/api-gateway"),
                ("String", "targetUrl") => json!("https://hooks.example.com/vcslink"),
                ("String", "project") => json!("Platform"),
                ("String", "role") => json!("MEMBER"),
                ("String", _) => json!(format!("matrix-{}", uuid::Uuid::new_v4().simple())),
                (other, _) => panic!("no sample value for scalar {other}"),
            },
        }
    }
}

fn type_text(t: &Value) -> String {
    match t["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", type_text(&t["ofType"])),
        Some("LIST") => format!("[{}]", type_text(&t["ofType"])),
        _ => t["name"].as_str().unwrap_or_default().to_owned(),
    }
}

/// The operation calling `field` with its required arguments as variables, selecting `__typename`.
fn operation(schema: &Schema, op: &str, field: &Value, id: &str, org_url: &str) -> (String, Value) {
    let (mut decls, mut args, mut vars) = (Vec::new(), Vec::new(), Map::new());
    for a in field["args"].as_array().into_iter().flatten() {
        let name = a["name"].as_str().unwrap_or_default();
        let required = a["type"]["kind"] == "NON_NULL";
        if required || name == "integrationId" {
            decls.push(format!("${name}: {}", type_text(&a["type"])));
            args.push(format!("{name}: ${name}"));
            vars.insert(name.into(), schema.value(name, &a["type"], id, org_url));
        }
    }
    let name = field["name"].as_str().unwrap_or_default();
    let decls = if decls.is_empty() { String::new() } else { format!("({})", decls.join(", ")) };
    let args = if args.is_empty() { String::new() } else { format!("({})", args.join(", ")) };
    (format!("{op} Matrix{decls} {{ {name}{args} {{ __typename }} }}"), Value::Object(vars))
}

fn show(code: &Option<String>) -> &str {
    code.as_deref().unwrap_or("ok")
}

async fn integration(app: &TestApp) -> String {
    let body = app
        .gql(
            &crate::support::queries::create(),
            json!({ "i": { "name": format!("matrix-{}", uuid::Uuid::new_v4().simple()), "organizationUrl": app.org_url(),
                "flavor": "SERVICES", "personalAccessToken": fake_azure::DEFAULT_PAT, "verify": false } }),
        )
        .await;
    body.pointer("/data/createAzureDevOpsIntegration/integration/id").and_then(Value::as_str).expect("id").to_owned()
}

#[tokio::test]
async fn every_root_field_obeys_the_authorization_table() {
    let app = spawn_app().await;
    let member = app.token("matrix-member", "MEMBER").await;
    let revoked = app.token("matrix-revoked", "MEMBER").await;
    let listed = app.gql("{ apiTokens(first: 100) { edges { node { id user } } } }", json!({})).await;
    let revoked_id = listed["data"]["apiTokens"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["node"]["user"] == "matrix-revoked")
        .map(|e| e["node"]["id"].clone())
        .expect("revoked token listed");
    app.gql("mutation($id: ID!) { revokeApiToken(input: { id: $id }) { revokedId } }", json!({ "id": revoked_id }))
        .await;
    let out = app
        .cli(
            &["token", "create", "--tenant", "matrix-other", "--create-tenant", "--role", "admin", "--user", "root"],
            &[],
        )
        .await;
    let other = String::from_utf8_lossy(&out.stdout).lines().last().expect("token").trim().to_owned();

    let intro = app.gql(INTROSPECTION, json!({})).await;
    let types: Map<String, Value> = intro["data"]["__schema"]["types"]
        .as_array()
        .expect("types")
        .iter()
        .map(|t| (t["name"].as_str().unwrap_or_default().to_owned(), t.clone()))
        .collect();
    let schema = Schema { types };
    let mut roots = Vec::new();
    for (op, root) in [
        ("query", intro["data"]["__schema"]["queryType"]["name"].clone()),
        ("mutation", intro["data"]["__schema"]["mutationType"]["name"].clone()),
    ] {
        for f in schema.ty(root.as_str().unwrap_or_default())["fields"].as_array().into_iter().flatten() {
            roots.push((op, f.clone()));
        }
    }
    let mut checked = 0;
    for (op, field) in &roots {
        let name = field["name"].as_str().unwrap_or_default();
        let rule = RULES
            .iter()
            .find(|r| r.field == name)
            .unwrap_or_else(|| panic!("{name} has no rule in the authorization table"));
        // A fresh integration per field: an earlier ADMIN call may have unlinked the last one.
        let id = integration(&app).await;
        let (query, vars) = operation(&schema, op, field, &id, &app.org_url());
        let code = |body: &Value| error_code(body).map(str::to_owned);
        for (who, token) in [("no token", None), ("revoked", Some(revoked.as_str()))] {
            let body = app.gql_as(token, &query, vars.clone()).await;
            assert_eq!(code(&body).as_deref(), Some("UNAUTHENTICATED"), "{name} with {who}: {body}");
        }
        let body = app.gql_as(Some(&member), &query, vars.clone()).await;
        if rule.admin_only {
            assert_eq!(code(&body).as_deref(), Some("FORBIDDEN"), "{name} as MEMBER: {body}");
        } else {
            assert!(
                !matches!(code(&body).as_deref(), Some("FORBIDDEN" | "UNAUTHENTICATED")),
                "{name} as MEMBER: {body}"
            );
        }
        let body = app.gql_as(Some(&other), &query, vars.clone()).await;
        let c = code(&body);
        assert!(
            !matches!(c.as_deref(), Some("FORBIDDEN" | "UNAUTHENTICATED")),
            "{name} as another tenant's ADMIN: {body}"
        );
        if rule.tenant_scoped {
            let data_is_null = body["data"].is_null() || body["data"][name].is_null();
            assert!(
                matches!(c.as_deref(), Some("NOT_FOUND" | "VALIDATION")) || (c.is_none() && data_is_null),
                "{name} as another tenant's ADMIN must see nothing: {body}"
            );
        }
        let member_code = code(&app.gql_as(Some(&member), &query, vars.clone()).await);
        let body = app.gql(&query, vars.clone()).await;
        assert!(!matches!(code(&body).as_deref(), Some("FORBIDDEN" | "UNAUTHENTICATED")), "{name} as ADMIN: {body}");
        eprintln!(
            "{name:<32} member {:<24} other tenant {:<24} admin {}",
            show(&member_code),
            show(&c),
            show(&code(&body))
        );
        checked += 1;
    }
    assert_eq!(checked, RULES.len(), "every rule names a field of the schema");
    eprintln!("authorization matrix: {checked} fields × 5 principals");
}
