//! What a query selects below a connection field, so a list reads only what the answer shows:
//! the fields of its nodes (under `edges { node }` and `nodes`, fragments included) and whether
//! it asks for `totalCount`.

use async_graphql::Context;

/// The names of the fields selected on the nodes of the connection `ctx` resolves.
pub fn node_fields<'a>(ctx: &'a Context<'a>) -> Vec<&'a str> {
    let mut names = Vec::new();
    for child in ctx.field().selection_set() {
        match child.name() {
            "edges" => {
                for node in child.selection_set().filter(|f| f.name() == "node") {
                    names.extend(node.selection_set().map(|f| f.name()));
                }
            }
            "nodes" => names.extend(child.selection_set().map(|f| f.name())),
            _ => {}
        }
    }
    names
}

/// Whether the connection `ctx` resolves is asked for its `totalCount` (a count over the whole
/// list, which a page alone does not need).
pub fn selects_total(ctx: &Context<'_>) -> bool {
    ctx.field().selection_set().any(|f| f.name() == "totalCount")
}
