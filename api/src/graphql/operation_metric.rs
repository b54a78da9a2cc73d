//! `vcslink_graphql_requests_total` and `vcslink_graphql_request_duration_seconds`, one sample per
//! operation, labelled from a bounded set: the operation's first root field when it is one of the
//! schema's (`azureDevOpsIntegrations`, `createAzureDevOpsIntegration`, …), `other` when it is not,
//! and `unauthenticated` for a caller without a valid token, whatever they sent. A client's own
//! `operationName` never becomes a label, so no caller can grow the label set.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType, Selection};
use async_graphql::registry::MetaType;
use async_graphql::{Response, ServerResult, Variables};

use super::context::Caller;

/// The label of an operation that names no root field of the schema (or does not parse).
pub const OTHER: &str = "other";
/// The label of every operation of a caller without a valid token.
pub const UNAUTHENTICATED: &str = "unauthenticated";

/// The extension factory (see the module).
pub struct OperationMetric;

impl ExtensionFactory for OperationMetric {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Measured { label: Mutex::new(None) })
    }
}

struct Measured {
    label: Mutex<Option<String>>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for Measured {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let started = Instant::now();
        let resp = next.run(ctx).await;
        // Set while parsing, where the request's data (the caller) is at hand.
        let label = self.label.lock().ok().and_then(|mut l| l.take()).unwrap_or_else(|| OTHER.to_owned());
        let outcome = if resp.is_ok() { "ok" } else { "error" };
        crate::metrics::graphql_request(&label, outcome, started.elapsed().as_secs_f64());
        resp
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let authenticated = ctx.data_opt::<Caller>().is_some_and(|c| c.0.is_some());
        let parsed = next.run(ctx, query, variables).await;
        let label = match &parsed {
            _ if !authenticated => UNAUTHENTICATED.to_owned(),
            Ok(doc) => root_field(ctx, doc).unwrap_or_else(|| OTHER.to_owned()),
            Err(_) => OTHER.to_owned(),
        };
        if let Ok(mut slot) = self.label.lock() {
            *slot = Some(label);
        }
        parsed
    }
}

/// The first root field of the document's operation, when the schema's root type has it.
fn root_field(ctx: &ExtensionContext<'_>, doc: &ExecutableDocument) -> Option<String> {
    let op = match &doc.operations {
        DocumentOperations::Single(op) => op,
        DocumentOperations::Multiple(ops) if ops.len() == 1 => ops.values().next()?,
        // Several operations: which one runs is the client's choice; not worth a label each.
        DocumentOperations::Multiple(_) => return None,
    };
    let Selection::Field(field) = &op.node.selection_set.node.items.first()?.node else { return None };
    let name = field.node.name.node.as_str();
    let registry = &ctx.schema_env.registry;
    let root = match op.node.ty {
        OperationType::Query => Some(registry.query_type.as_str()),
        OperationType::Mutation => registry.mutation_type.as_deref(),
        OperationType::Subscription => registry.subscription_type.as_deref(),
    }?;
    match registry.types.get(root)? {
        MetaType::Object { fields, .. } if fields.contains_key(name) => Some(name.to_owned()),
        _ => None,
    }
}
