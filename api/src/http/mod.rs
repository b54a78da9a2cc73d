//! Plain-HTTP plumbing around the routes: request ids, tracing spans, CORS, (metrics live in `crate::metrics`).

pub mod cors;
pub mod playground;
pub mod request_id;
