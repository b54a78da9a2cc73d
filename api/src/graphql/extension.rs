//! Backstop: every error leaving the server carries `extensions.code`.
//!
//! Parse and validation errors become `VALIDATION` with `field` (`query`, or `variables` when a
//! variable is at fault; `last` or `before` passed to a list of Azure DevOps, which pages forward only,
//! name that argument and say how to page instead); async-graphql's own request errors (no or an unknown operation name, a
//! subscription POSTed) `BAD_REQUEST` with a hint; anything else still without a code is
//! `INTERNAL`, its message replaced (the original is logged).

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextRequest, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Value, Variables};

use crate::error::{ApiError, code};
use crate::graphql::pagination::FORWARD_ONLY_HINT;

pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

fn with_code(mut e: ServerError, c: &str) -> ServerError {
    let field = if e.message.to_lowercase().contains("variable") { "variables" } else { "query" };
    let ext = e.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_none() {
        ext.set("code", c);
        if ext.get("field").is_none() {
            ext.set("field", field);
        }
    }
    e
}

/// `last`/`before` on a field that takes neither: every list stored here takes both, so this is a
/// list read from Azure DevOps, which pages forward only.
fn forward_only(mut e: ServerError) -> ServerError {
    let backward = ["last", "before"]
        .into_iter()
        .find(|arg| e.message.starts_with(&format!("Unknown argument \"{arg}\" on field")));
    if let Some(arg) = backward {
        let ext = e.extensions.get_or_insert_with(Default::default);
        ext.set("field", arg);
        ext.set("hint", FORWARD_ONLY_HINT);
    }
    e
}

/// async-graphql's own refusals of a request, by their message, as the client's error.
fn request_error(message: &str) -> Option<ApiError> {
    let bad = |message: &str, hint: &str, field: Option<&'static str>| ApiError::BadRequest {
        message: message.to_owned(),
        hint: Some(hint.to_owned()),
        field,
    };
    if message.starts_with("Operation name required") {
        Some(bad(
            "the document holds several operations and the request names none",
            "name the one to run in `operationName`",
            Some("operationName"),
        ))
    } else if message.starts_with("Unknown operation named") {
        Some(bad(message, "`operationName` must name one of the document's operations", Some("operationName")))
    } else if message.starts_with("Subscriptions are not supported on this transport") {
        Some(bad(
            "subscriptions are not run over POST /graphql",
            "subscribe over WebSocket at /graphql/ws (graphql-transport-ws or graphql-ws)",
            None,
        ))
    } else {
        None
    }
}

/// Gives every error in `errors` still without a code one.
fn backstop(errors: &mut [ServerError]) {
    for e in errors {
        let has_code = e.extensions.as_ref().is_some_and(|x| x.get("code").is_some());
        if has_code {
            continue;
        }
        // Input coercion failures ("Invalid value ...") are the client's.
        if e.message.starts_with("Invalid value") || e.message.starts_with("Failed to parse") {
            let ext = e.extensions.get_or_insert_with(Default::default);
            ext.set("code", code::VALIDATION);
            continue;
        }
        if let Some(api) = request_error(&e.message) {
            let err: async_graphql::Error = api.into();
            e.message = err.message;
            e.extensions = err.extensions;
            continue;
        }
        tracing::error!(message = %e.message, "error without a code");
        e.message = "internal error".to_owned();
        let ext = e.extensions.get_or_insert_with(Default::default);
        ext.set("code", Value::from(code::INTERNAL));
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|e| with_code(e, code::VALIDATION))
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx)
            .await
            .map_err(|errs| errs.into_iter().map(|e| with_code(forward_only(e), code::VALIDATION)).collect())
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut resp = next.run(ctx, operation_name).await;
        backstop(&mut resp.errors);
        resp
    }

    /// Around the whole request: also sees the errors raised between validation and execution.
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut resp = next.run(ctx).await;
        backstop(&mut resp.errors);
        resp
    }
}
