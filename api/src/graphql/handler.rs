//! HTTP handlers of `/graphql`: POST runs operations as the bearer token's principal; GET serves GraphiQL.

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLBatchRequest, GraphQLProtocol, GraphQLResponse, GraphQLWebSocket};
use axum::extract::State;
use axum::extract::WebSocketUpgrade;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};

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

/// `GET /graphql/ws`: subscriptions (graphql-transport-ws or graphql-ws). The API token comes from
/// the upgrade request's `Authorization: Bearer`, or from the `connection_init` payload
/// (`{"Authorization": "Bearer <token>"}`), which browsers can send.
pub async fn subscriptions(
    State((state, schema)): State<(AppState, AppSchema)>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let from_header = bearer(&headers).map(str::to_owned);
    upgrade.protocols(ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |socket| {
        GraphQLWebSocket::new(socket, schema, protocol)
            .on_connection_init(move |payload| async move {
                let from_payload = ["Authorization", "authorization"]
                    .iter()
                    .find_map(|k| payload.get(*k).and_then(|v| v.as_str()))
                    .and_then(|v| v.split_once(' '))
                    .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                    .map(|(_, t)| t.trim().to_owned());
                let principal = match from_header.or(from_payload) {
                    Some(token) => state.tokens.verify(&token).await.unwrap_or_else(|e| {
                        tracing::error!(error = %e, "token verification failed");
                        None
                    }),
                    None => None,
                };
                let mut data = async_graphql::Data::default();
                data.insert(Caller(principal));
                Ok(data)
            })
            .serve()
    })
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
