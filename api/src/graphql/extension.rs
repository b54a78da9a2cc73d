//! Backstop: every error leaving the server carries `extensions.code`.
//!
//! Parse and validation errors become `VALIDATION`; anything else still without a code is
//! `INTERNAL`, its message replaced (the original is logged).

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Value, Variables};

use crate::error::code;

pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

fn with_code(mut e: ServerError, c: &str) -> ServerError {
    let ext = e.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_none() {
        ext.set("code", c);
    }
    e
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
        next.run(ctx).await.map_err(|errs| errs.into_iter().map(|e| with_code(e, code::VALIDATION)).collect())
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut resp = next.run(ctx, operation_name).await;
        for e in &mut resp.errors {
            let has_code = e.extensions.as_ref().is_some_and(|x| x.get("code").is_some());
            if has_code {
                continue;
            }
            // Input coercion failures ("Invalid value for argument ...") are the client's.
            if e.message.starts_with("Invalid value") || e.message.starts_with("Failed to parse") {
                let ext = e.extensions.get_or_insert_with(Default::default);
                ext.set("code", code::VALIDATION);
                continue;
            }
            tracing::error!(message = %e.message, "error without a code");
            e.message = "internal error".to_owned();
            let ext = e.extensions.get_or_insert_with(Default::default);
            ext.set("code", Value::from(code::INTERNAL));
        }
        resp
    }
}
