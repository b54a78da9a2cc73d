//! Plain-HTTP plumbing around the routes: request ids, tracing spans, CORS, (metrics live in `crate::metrics`).

pub mod cors;
pub mod playground;
pub mod request_id;

/// The largest request body of every route but the webhook one (which streams and caps its own):
/// larger ones are answered 413.
pub const MAX_BODY: usize = 1024 * 1024;
