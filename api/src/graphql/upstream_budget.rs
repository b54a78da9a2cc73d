//! The upstream call budget: before an operation runs, the most Azure DevOps calls it could make
//! is counted from the document, and an operation over what is left of its request's budget is
//! answered `RATE_LIMITED` with a hint, before any call is made.
//!
//! The count is an upper bound: each field that reads Azure DevOps (the [`UPSTREAM`] table) costs
//! its calls once per parent it runs under, and a connection's subtree runs once per item it may
//! return (`first`, or `last`, else the default page of 20, capped at 100). Aliases count each
//! time; fragments are counted once per name and reused, so the walk stays linear. Cached answers
//! make fewer real calls, never more. The operations of one batched HTTP request share one
//! budget ([`RequestBudget`]); an operation over a WebSocket gets a budget of its own.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, OperationDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::{Name, Request, ServerError, ServerResult, Value, Variables};

use crate::error::ApiError;

/// The fields that call Azure DevOps, with the calls one resolution makes at most. A mutation's
/// own work (verification, hook installs) is counted as one call: the budget is for fan-out,
/// which only reads have.
pub const UPSTREAM: &[(&str, &str, u64)] = &[
    ("Query", "repository", 1),
    ("Query", "workItemComments", 1),
    ("Query", "node", 1),
    ("AzureDevOpsIntegration", "projects", 1),
    ("AzureDevOpsIntegration", "repositories", 1),
    ("AzureDevOpsIntegration", "serviceHooks", 1),
    ("Repository", "branches", 1),
    ("Repository", "pullRequests", 1),
    ("Repository", "pullRequest", 1),
    ("PullRequest", "comments", 1),
    ("Mutation", "addPullRequestComment", 1),
    ("Mutation", "addWorkItemComment", 1),
    ("Mutation", "cloneCredentials", 1),
    ("Mutation", "createBranch", 1),
    ("Mutation", "createPullRequest", 1),
    ("Mutation", "createAzureDevOpsIntegration", 1),
    ("Mutation", "updateAzureDevOpsIntegration", 1),
    ("Mutation", "verifyAzureDevOpsIntegration", 1),
    ("Mutation", "setPersonalAccessToken", 1),
    ("Mutation", "migrateIntegrationCredential", 1),
    ("Mutation", "installServiceHooks", 1),
    ("Mutation", "repairServiceHooks", 1),
    ("Mutation", "unlinkAzureDevOpsIntegration", 1),
];

/// `VCSLINK_UPSTREAM_CALL_BUDGET`'s default.
pub const DEFAULT_BUDGET: u64 = 100;
/// The page a connection returns when the client names no size, and the largest it may ask for.
const DEFAULT_PAGE: u64 = 20;
const MAX_PAGE: u64 = 100;
/// Selection sets nested deeper are counted as empty: the depth limit refuses them anyway.
const MAX_NESTING: usize = 64;

/// What is left of one HTTP request's budget, shared by the operations of a batch.
#[derive(Clone)]
pub struct RequestBudget(Arc<AtomicU64>);

impl RequestBudget {
    pub fn new(calls: u64) -> RequestBudget {
        RequestBudget(Arc::new(AtomicU64::new(calls)))
    }

    /// Takes `calls` from what is left; `false` (and nothing taken) when there is not enough.
    fn take(&self, calls: u64) -> bool {
        self.0.fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| left.checked_sub(calls)).is_ok()
    }
}

/// The extension factory: `per_request` calls per HTTP request (or per WebSocket operation);
/// 0 turns the budget off.
pub struct UpstreamBudget {
    pub per_request: u64,
}

impl ExtensionFactory for UpstreamBudget {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Counting { per_request: self.per_request, operation: Mutex::new(None) })
    }
}

struct Counting {
    per_request: u64,
    /// The operation the request names, kept from `prepare_request` for the walk.
    operation: Mutex<Option<String>>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for Counting {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Ok(mut slot) = self.operation.lock() {
            slot.clone_from(&request.operation_name);
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        if self.per_request == 0 {
            return Ok(doc);
        }
        let name = self.operation.lock().ok().and_then(|n| n.clone());
        let Some((op, root)) = chosen(&doc, name.as_deref(), &ctx.schema_env.registry) else { return Ok(doc) };
        let calls = Walk::new(&doc, &ctx.schema_env.registry, variables).set(&op.selection_set.node, root, 0);
        let own = RequestBudget::new(self.per_request);
        let budget = ctx.data_opt::<RequestBudget>().unwrap_or(&own);
        if calls > 0 && !budget.take(calls) {
            crate::metrics::upstream_budget_refused();
            return Err(over_budget(calls, self.per_request));
        }
        Ok(doc)
    }
}

fn over_budget(calls: u64, budget: u64) -> ServerError {
    let e: async_graphql::Error = ApiError::OverUpstreamBudget { calls, budget }.into();
    // The whole operation is at fault, not one place in it: no `locations`.
    let mut refused = ServerError::new(e.message, None);
    refused.extensions = e.extensions;
    refused
}

/// The operation that runs (by name, or the only one) and its root type's name.
fn chosen<'a>(
    doc: &'a ExecutableDocument,
    name: Option<&str>,
    registry: &'a Registry,
) -> Option<(&'a OperationDefinition, &'a str)> {
    let op = match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => &op.node,
        (DocumentOperations::Multiple(ops), Some(name)) => &ops.get(name)?.node,
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => &ops.values().next()?.node,
        (DocumentOperations::Multiple(_), None) => return None,
    };
    let root = match op.ty {
        OperationType::Query => registry.query_type.as_str(),
        OperationType::Mutation => registry.mutation_type.as_deref()?,
        OperationType::Subscription => return None,
    };
    Some((op, root))
}

/// The count over one document; a fragment's count is kept by name.
struct Walk<'a> {
    doc: &'a ExecutableDocument,
    registry: &'a Registry,
    variables: &'a Variables,
    costs: HashMap<(&'a str, &'a str), u64>,
    fragments: HashMap<&'a str, u64>,
    open: Vec<&'a str>,
}

impl<'a> Walk<'a> {
    fn new(doc: &'a ExecutableDocument, registry: &'a Registry, variables: &'a Variables) -> Walk<'a> {
        let costs = UPSTREAM.iter().map(|(ty, field, calls)| ((*ty, *field), *calls)).collect();
        Walk { doc, registry, variables, costs, fragments: HashMap::new(), open: Vec::new() }
    }

    /// The calls of `set`, selected on type `on`, for one parent.
    fn set(&mut self, set: &'a SelectionSet, on: &'a str, nesting: usize) -> u64 {
        if nesting > MAX_NESTING {
            return 0;
        }
        let mut calls = 0u64;
        for item in &set.items {
            let more = match &item.node {
                Selection::Field(f) => self.field(&f.node, on, nesting),
                Selection::InlineFragment(f) => {
                    let on = f.node.type_condition.as_ref().map_or(on, |c| c.node.on.node.as_str());
                    self.set(&f.node.selection_set.node, on, nesting + 1)
                }
                Selection::FragmentSpread(s) => self.fragment(s.node.fragment_name.node.as_str(), nesting),
            };
            calls = calls.saturating_add(more);
        }
        calls
    }

    fn field(&mut self, field: &'a Field, on: &'a str, nesting: usize) -> u64 {
        let name = field.name.node.as_str();
        let Some(meta) = self.registry.types.get(on).and_then(|t| t.field_by_name(name)) else { return 0 };
        let child_type = MetaTypeName::concrete_typename(&meta.ty);
        let own = self.costs.get(&(on, name)).copied().unwrap_or(0);
        let times = if is_connection(self.registry.types.get(child_type)) { self.page_size(field) } else { 1 };
        let children = self.set(&field.selection_set.node, child_type, nesting + 1);
        own.saturating_add(times.saturating_mul(children))
    }

    fn fragment(&mut self, name: &'a str, nesting: usize) -> u64 {
        if let Some(calls) = self.fragments.get(name) {
            return *calls;
        }
        // A cycle counts as empty: validation refuses it next.
        if self.open.contains(&name) {
            return 0;
        }
        let Some(def) = self.doc.fragments.get(name) else { return 0 };
        self.open.push(name);
        let calls = self.set(&def.node.selection_set.node, def.node.type_condition.node.on.node.as_str(), nesting + 1);
        self.open.pop();
        self.fragments.insert(name, calls);
        calls
    }

    /// How many items a connection field may return: `first`, else `last`, else the default.
    fn page_size(&self, field: &Field) -> u64 {
        let arg = |name: &str| -> Option<u64> {
            let value = field.get_argument(name)?.node.clone();
            let value = value.into_const_with(|v: Name| self.variables.get(&v).cloned().ok_or(())).ok()?;
            match value {
                Value::Number(n) => n.as_u64().or_else(|| n.as_i64().map(|_| 0)),
                _ => None,
            }
        };
        arg("first").or_else(|| arg("last")).unwrap_or(DEFAULT_PAGE).min(MAX_PAGE)
    }
}

/// A Relay connection: an object type with `edges` and `pageInfo`.
fn is_connection(ty: Option<&MetaType>) -> bool {
    ty.is_some_and(|t| t.field_by_name("edges").is_some() && t.field_by_name("pageInfo").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

    /// The calls the budget counts for `query`: asked with nothing left, the refusal names them
    /// (a query counted at 0 would run: each test query costs at least 1).
    fn calls(query: &str, variables: serde_json::Value) -> u64 {
        let schema = crate::graphql::schema(None);
        let request = Request::new(query).variables(Variables::from_json(variables)).data(RequestBudget::new(0));
        let response = futures::executor::block_on(schema.execute(request));
        let refused = response.errors.iter().find_map(|e| {
            let ext = e.extensions.as_ref()?;
            (ext.get("code")? == &Value::from("RATE_LIMITED")).then(|| ext.get("upstreamCalls").cloned())?
        });
        match refused {
            Some(Value::Number(n)) => n.as_u64().unwrap(),
            _ => panic!("not refused: {:?}", response.errors),
        }
    }

    #[test]
    fn every_entry_of_the_table_names_a_field_of_the_schema() {
        let sdl = crate::graphql::sdl();
        let doc = async_graphql::parser::parse_schema(&sdl).unwrap();
        let fields: std::collections::HashSet<(String, String)> = doc
            .definitions
            .iter()
            .filter_map(|d| match d {
                TypeSystemDefinition::Type(t) => Some(t),
                _ => None,
            })
            .flat_map(|t| {
                let ty = t.node.name.node.to_string();
                let fields = match &t.node.kind {
                    TypeKind::Object(o) => o.fields.iter().map(|f| f.node.name.node.to_string()).collect(),
                    _ => Vec::new(),
                };
                fields.into_iter().map(move |f| (ty.clone(), f))
            })
            .collect();
        for (ty, field, _) in UPSTREAM {
            assert!(fields.contains(&((*ty).to_owned(), (*field).to_owned())), "{ty}.{field} is not in the schema");
        }
    }

    #[test]
    fn nested_connections_multiply_by_their_page_sizes() {
        let q = "query($id: ID!) { azureDevOpsIntegration(id: $id) { repositories(first: 100) { edges { node {
            pullRequests(first: 100) { edges { node { comments(first: 100) { edges { node { id } } } } } } } } } } }";
        assert_eq!(calls(q, serde_json::json!({ "id": "x" })), 1 + 100 + 100 * 100);
    }

    #[test]
    fn variables_aliases_fragments_and_defaults_count() {
        let q = "query($n: Int) { a: repository(integrationId: \"i\", fullName: \"o/p/r\") { ...R }
            b: repository(integrationId: \"i\", fullName: \"o/p/s\") { ...R } }
            fragment R on Repository { branches(first: $n) { edges { node { name } } } pullRequests { edges { node { number comments(first: 5) { totalCount } } } } }";
        // Each alias: the repository, its branches, its pull requests, and 20 comment threads.
        assert_eq!(calls(q, serde_json::json!({ "n": 50 })), 2 * (1 + 1 + 1 + 20));
    }

    #[test]
    fn stored_lists_cost_nothing_however_large() {
        let q = "{ azureDevOpsIntegrations(first: 100) { edges { node { id deliveries(first: 100) { edges { node { id } } } } } }
            repository(integrationId: \"i\", fullName: \"o/p/r\") { name } }";
        assert_eq!(calls(q, serde_json::json!({})), 1, "only the repository reads Azure DevOps");
    }

    #[test]
    fn a_batch_shares_one_budget() {
        let budget = RequestBudget::new(100);
        assert!(budget.take(60));
        assert!(!budget.take(60), "the second operation finds 40 left");
        assert!(budget.take(40));
        assert!(!budget.take(1));
    }
}
