//! The GraphQL schema: one builder shared by the server, the SDL test and `print-schema`.

pub mod connection_types;
pub mod context;
pub mod depth;
pub mod extension;
pub mod handler;
pub mod loaders;
pub mod look_ahead;
pub mod mutation;
pub mod operation_metric;
pub mod operation_span;
pub mod pagination;
pub mod query;
pub mod subscription;
pub mod transport;
pub mod types;
pub mod websocket;

use async_graphql::Schema;

use crate::capabilities::Capabilities;

pub type AppSchema = Schema<query::Query, mutation::Mutation, subscription::Subscription>;

/// The executable schema; `caps` is absent only when printing the SDL.
pub fn schema(caps: Option<Capabilities>) -> AppSchema {
    let introspection = caps.as_ref().is_none_or(|c| c.introspection);
    let builder = Schema::build(query::Query::default(), mutation::Mutation::default(), subscription::Subscription);
    let mut builder = connection_types::describe(builder)
        // First, so outermost: its span covers the others and sees the codes ErrorCodes adds.
        .extension(operation_span::OperationSpan)
        .extension(operation_metric::OperationMetric)
        .extension(extension::ErrorCodes)
        // Instead of `limit_depth`, which would refuse GraphiQL's own introspection query.
        .extension(depth::DepthLimit)
        .limit_complexity(1_000)
        .limit_recursive_depth(32);
    if !introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    if let Some(caps) = caps {
        builder = builder.data(caps);
    }
    builder.finish()
}

/// The SDL, as written to `schema.graphql`.
pub fn sdl() -> String {
    schema(None).sdl()
}
