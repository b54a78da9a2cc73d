//! The `graphql.operation` trace span: one per operation POSTed (each of a batch has its own), with
//! its name (a GraphQL name, capped), type, tenant, request id, and outcome with the first error's
//! code. Registered before [`super::extension::ErrorCodes`] so it sees the codes that one adds.

use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
use async_graphql::{Request, Response, ServerResult, Variables};
use tracing::{Instrument as _, Span};

use super::context::Caller;
use crate::traces::spans;

/// The extension factory: one span per operation (see the module).
pub struct OperationSpan;

impl ExtensionFactory for OperationSpan {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(OperationSpanExtension::default())
    }
}

#[derive(Default)]
struct OperationSpanExtension {
    span: OnceLock<Span>,
    /// The `operationName` asked for, to find its type in the document.
    name: Mutex<Option<String>>,
}

impl OperationSpanExtension {
    fn span(&self) -> &Span {
        self.span.get_or_init(Span::none)
    }
}

/// The name (when the document names it) and type (`query`, `mutation`, `subscription`) of the
/// operation that `asked` (the request's `operationName`) selects in `doc`.
fn selected(doc: &ExecutableDocument, asked: Option<&str>) -> Option<(Option<String>, String)> {
    match (&doc.operations, asked) {
        (DocumentOperations::Single(op), _) => Some((None, op.node.ty.to_string())),
        (DocumentOperations::Multiple(ops), Some(name)) => {
            ops.iter().find(|(n, _)| n.as_str() == name).map(|(_, op)| (None, op.node.ty.to_string()))
        }
        // One named operation, run without `operationName`: the document names it.
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.iter().next().map(|(n, op)| (Some(n.to_string()), op.node.ty.to_string()))
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for OperationSpanExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let span = self.span.get_or_init(spans::graphql_operation).clone();
        let resp = next.run(ctx).instrument(span.clone()).await;
        let code = resp.errors.first().map(|e| {
            e.extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .and_then(|v| match v {
                    async_graphql::Value::String(s) => Some(s.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| "INTERNAL".to_owned())
        });
        spans::record_graphql_outcome(&span, code.as_deref());
        resp
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let name = request.operation_name.clone();
        self.span().record("graphql.operation.name", spans::operation_name(name.as_deref()));
        if let Ok(mut slot) = self.name.lock() {
            *slot = name;
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
        if let Some(Caller(Some(principal))) = ctx.data_opt::<Caller>() {
            self.span().record("vcslink.tenant_id", principal.tenant_id.as_str());
        }
        let doc = next.run(ctx, query, variables).await?;
        let name = self.name.lock().ok().and_then(|n| n.clone());
        if let Some((named, ty)) = selected(&doc, name.as_deref()) {
            if let Some(named) = named {
                self.span().record("graphql.operation.name", spans::operation_name(Some(&named)));
            }
            self.span().record("graphql.operation.type", ty.as_str());
        }
        Ok(doc)
    }
}
