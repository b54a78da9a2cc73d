//! `GET /graphql/ws`: subscriptions (graphql-transport-ws or graphql-ws), sealed off like POST.
//!
//! - The API token comes from the upgrade request's `Authorization: Bearer`, or from the
//!   `connection_init` payload (`{"Authorization": "Bearer <token>"}`), which browsers can send.
//!   Without a valid one, `connection_init` is refused: the socket closes with 4403 Forbidden,
//!   as graphql-transport-ws specifies.
//! - Every operation started on the socket checks the token again (through the verified-token
//!   cache, so a token revoked on any replica stops within its TTL) and counts against the
//!   token's rate limit; a revoked token ends the socket, an operation over the limit is
//!   answered with `RATE_LIMITED`.
//! - At most [`MAX_OPERATIONS`] operations run at once per socket, messages are at most
//!   [`MAX_MESSAGE_BYTES`], and a socket that sends no `connection_init` within [`INIT_TIMEOUT`]
//!   is closed.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::State;
use axum::extract::WebSocketUpgrade;
use axum::extract::ws::{CloseFrame, Message};
use axum::http::HeaderMap;
use axum::response::Response;
use futures::{SinkExt as _, StreamExt as _};

use super::AppSchema;
use super::context::Caller;
use super::handler::bearer;
use crate::capabilities::Capabilities;

/// The largest message (and frame) a socket may send.
pub const MAX_MESSAGE_BYTES: usize = 1024 * 1024;
/// Operations running at once on one socket.
pub const MAX_OPERATIONS: usize = 10;
/// How long a socket may stay open without `connection_init`.
pub const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// The close code of a refused `connection_init` (graphql-transport-ws: Forbidden).
pub const FORBIDDEN: u16 = 4403;
/// The init error's text, which the outgoing side turns into a 4403 close.
const REFUSED: &str = "Forbidden: connection_init needs a valid API token (Authorization: Bearer <token>)";

/// What the socket knows of its caller once `connection_init` passed.
#[derive(Default)]
struct Session {
    token: Option<String>,
    running: HashSet<String>,
}

pub async fn subscriptions(
    State((caps, schema)): State<(Capabilities, AppSchema)>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let from_header = bearer(&headers).map(str::to_owned);
    let upgrade = upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES);
    upgrade.on_upgrade(move |socket| async move {
        let session = Arc::new(Mutex::new(Session::default()));
        let (sink, stream) = socket.split();
        let out_session = session.clone();
        let sink = sink.with(move |msg: Message| {
            let session = out_session.clone();
            async move {
                Ok::<_, axum::Error>(match msg {
                    // A refused init closes with 4403, not the library's 1002.
                    Message::Close(Some(frame)) if frame.reason.as_str() == REFUSED => {
                        Message::Close(Some(CloseFrame { code: FORBIDDEN, reason: "Forbidden".into() }))
                    }
                    Message::Text(text) => {
                        finished(&session, text.as_str());
                        Message::Text(text)
                    }
                    other => other,
                })
            }
        });
        let checked = checked_input(stream, caps.clone(), session.clone());
        let init_caps = caps.clone();
        let init_session = session.clone();
        GraphQLWebSocket::new_with_pair(sink, checked, schema, protocol)
            .on_connection_init(move |payload| async move {
                let from_payload = ["Authorization", "authorization"]
                    .iter()
                    .find_map(|k| payload.get(*k).and_then(|v| v.as_str()))
                    .and_then(|v| v.split_once(' '))
                    .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                    .map(|(_, t)| t.trim().to_owned());
                let token = from_header.or(from_payload).ok_or_else(|| async_graphql::Error::new(REFUSED))?;
                let principal = init_caps.tokens.service.verify(&token).await.unwrap_or_else(|e| {
                    tracing::error!(error = %e, "token verification failed");
                    None
                });
                let principal = principal.ok_or_else(|| async_graphql::Error::new(REFUSED))?;
                if let Ok(mut s) = init_session.lock() {
                    s.token = Some(token);
                }
                let mut data = async_graphql::Data::default();
                data.insert(Caller(Some(principal)));
                data.insert(super::loaders::for_request(init_caps.db.clone()));
                Ok(data)
            })
            .serve()
            .await;
    })
}

/// The client's messages, each operation start checked: the token again, its rate limit, the
/// socket's running operations; no `connection_init` within [`INIT_TIMEOUT`] ends the socket.
fn checked_input(
    stream: futures::stream::SplitStream<axum::extract::ws::WebSocket>,
    caps: Capabilities,
    session: Arc<Mutex<Session>>,
) -> impl futures::Stream<Item = Result<Message, axum::Error>> {
    let deadline = tokio::time::Instant::now() + INIT_TIMEOUT;
    let init_session = session.clone();
    let timed = futures::stream::unfold((stream, false), move |(mut stream, inited)| {
        let session = init_session.clone();
        async move {
            let next = if inited {
                stream.next().await
            } else {
                match tokio::time::timeout_at(deadline, stream.next()).await {
                    Ok(next) => next,
                    Err(_) => {
                        // No (accepted) connection_init in time.
                        let accepted = session.lock().map(|s| s.token.is_some()).unwrap_or(false);
                        if !accepted {
                            return None;
                        }
                        stream.next().await
                    }
                }
            }?;
            let inited = inited || session.lock().map(|s| s.token.is_some()).unwrap_or(false);
            Some((next, (stream, inited)))
        }
    });
    timed.then(move |msg| {
        let (caps, session) = (caps.clone(), session.clone());
        async move {
            let Ok(Message::Text(text)) = &msg else { return msg };
            let Ok(value) = serde_json::from_str::<serde_json::Value>(text.as_str()) else { return msg };
            let id = value["id"].as_str().unwrap_or_default().to_owned();
            match value["type"].as_str() {
                Some("subscribe" | "start") => match refusal(&caps, &session, id).await {
                    // An error ends the input, and with it the socket.
                    Some(reason) => {
                        tracing::info!(reason, "closing a subscription socket");
                        Err(axum::Error::new(std::io::Error::other(reason)))
                    }
                    None => msg,
                },
                Some("complete" | "stop") => {
                    if let Ok(mut s) = session.lock() {
                        s.running.remove(&id);
                    }
                    msg
                }
                _ => msg,
            }
        }
    })
}

/// An operation the server ended (`complete`, or `error` before any result) frees its slot. The
/// library writes `type` first, so only those two messages are parsed.
fn finished(session: &Mutex<Session>, text: &str) {
    if !(text.starts_with(r#"{"type":"complete""#) || text.starts_with(r#"{"type":"error""#)) {
        return;
    }
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text)
        && let (Some(id), Ok(mut s)) = (value["id"].as_str(), session.lock())
    {
        s.running.remove(id);
    }
}

/// Why operation `id` may not start: the token no longer valid, over its rate limit, or the
/// socket at its operation cap; `None` admits it.
async fn refusal(caps: &Capabilities, session: &Arc<Mutex<Session>>, id: String) -> Option<&'static str> {
    let token = session.lock().ok().and_then(|s| s.token.clone());
    let principal = match token {
        Some(t) => caps.tokens.service.verify(&t).await.ok().flatten(),
        None => None,
    };
    let Some(principal) = principal else { return Some("the API token is no longer valid") };
    if caps.tokens.rate_limit.check(&principal.token_id).is_err() {
        return Some("RATE_LIMITED: too many operations for this token");
    }
    let mut s = session.lock().ok()?;
    if s.running.len() >= MAX_OPERATIONS && !s.running.contains(&id) {
        return Some("too many operations at once on this socket");
    }
    s.running.insert(id);
    None
}
