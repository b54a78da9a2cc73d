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
pub mod upstream_budget;
pub mod websocket;

use async_graphql::Schema;

use crate::capabilities::Capabilities;

/// The most work one operation may ask for: every field costs 1, a connection its page size
/// times its items' cost. 100 integrations of 40 fields each, or 20 of 20 with 20 deliveries each.
pub const MAX_COMPLEXITY: usize = 10_000;

pub type AppSchema = Schema<query::Query, mutation::Mutation, subscription::Subscription>;

/// The executable schema; `caps` is absent only when printing the SDL.
pub fn schema(caps: Option<Capabilities>) -> AppSchema {
    let introspection = caps.as_ref().is_none_or(|c| c.introspection);
    let per_request = caps.as_ref().map_or(upstream_budget::DEFAULT_BUDGET, |c| c.upstream_call_budget);
    let builder = Schema::build(query::Query::default(), mutation::Mutation::default(), subscription::Subscription);
    let mut builder = connection_types::describe(builder)
        // First, so outermost: its span covers the others and sees the codes ErrorCodes adds.
        .extension(operation_span::OperationSpan)
        .extension(operation_metric::OperationMetric)
        .extension(extension::ErrorCodes)
        // Outside the depth limit, so a query too deep is refused as that before it is counted.
        .extension(upstream_budget::UpstreamBudget { per_request })
        // Instead of `limit_depth`, which would refuse GraphiQL's own introspection query.
        .extension(depth::DepthLimit)
        // Connections cost `first` × their items (`pagination::cost`), so this bounds the work
        // of stored lists too; Azure DevOps reads are bounded by the upstream call budget.
        .limit_complexity(MAX_COMPLEXITY)
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
