//! HTTP handlers of `/graphql`: POST runs operations as the bearer token's principal; GET serves GraphiQL.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLBatchRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse};

use super::AppSchema;
use super::context::Caller;
use crate::state::AppState;

/// Runs a GraphQL request (single or batched) as the caller named by `Authorization: Bearer`.
pub async fn graphql(
    State((state, schema)): State<(AppState, AppSchema)>,
    headers: HeaderMap,
    req: GraphQLBatchRequest,
) -> GraphQLResponse {
    let caller = Caller(match bearer(&headers) {
        Some(token) => match state.tokens.verify(token).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "token verification failed");
                None
            }
        },
        None => None,
    });
    schema.execute_batch(req.into_inner().data(caller)).await.into()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim()).filter(|t| !t.is_empty())
}

/// The GraphiQL playground, with a header editor for `Authorization`.
pub async fn playground() -> impl IntoResponse {
    Html(GraphiQLSource::build().endpoint("/graphql").subscription_endpoint("/graphql/ws").title("vcslink").finish())
}
