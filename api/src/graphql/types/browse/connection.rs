//! Connections over Azure DevOps lists: `totalCount` only where the whole list is at hand.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{OutputType, SimpleObject};

use crate::browse::pages::PageOut;

/// Extra fields of connections over Azure DevOps lists.
#[derive(SimpleObject)]
pub struct MaybeCounted {
    /// How many items the whole list holds; null where Azure DevOps does not say cheaply.
    pub total_count: Option<i64>,
}

pub type UpstreamConnection<N> = Connection<String, N, MaybeCounted>;

pub fn build<T, N: OutputType>(page: PageOut<T>, had_after: bool, node: impl Fn(T) -> N) -> UpstreamConnection<N> {
    let mut conn =
        Connection::with_additional_fields(had_after, page.has_next, MaybeCounted { total_count: page.total });
    conn.edges.extend(page.items.into_iter().map(|(cursor, t)| Edge::new(cursor, node(t))));
    conn
}
