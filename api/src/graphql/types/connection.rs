//! Relay connections: `first`/`after` arguments, capped page sizes, `totalCount` where cheap.

use async_graphql::OutputType;
use async_graphql::SimpleObject;
use async_graphql::connection::{Connection, Edge};

use crate::error::ApiError;
use crate::store::pagination::{Page, PageRequest};

/// The largest page a client may ask for.
pub const MAX_PAGE: i32 = 100;
pub const DEFAULT_PAGE: i32 = 20;

/// Extra connection fields.
#[derive(SimpleObject)]
pub struct Counted {
    /// How many items the whole list holds.
    pub total_count: i64,
}

/// Checks `first` (1..=100, default 20) and decodes `after`.
pub fn page_request(first: Option<i32>, after: Option<String>) -> Result<PageRequest, ApiError> {
    let first = first.unwrap_or(DEFAULT_PAGE);
    if !(0..=MAX_PAGE).contains(&first) {
        return Err(ApiError::validation(
            "first",
            format!("first must be between 0 and {MAX_PAGE}"),
            Some("page through longer lists with after: pageInfo.endCursor"),
        ));
    }
    let after = match after {
        None => None,
        Some(c) => Some(decode_cursor(&c).ok_or_else(|| {
            ApiError::validation(
                "after",
                "not a cursor of this list",
                Some("pass pageInfo.endCursor of the previous page"),
            )
        })?),
    };
    Ok(PageRequest { first: first as u64, after })
}

pub fn encode_cursor(raw: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("c:{raw}"))
}

pub fn decode_cursor(cursor: &str) -> Option<String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor).ok()?;
    String::from_utf8(bytes).ok()?.strip_prefix("c:").map(str::to_owned)
}

/// Turns a keyset page into a connection; `key` gives each row's cursor value.
pub fn build<T, N: OutputType>(
    page: Page<T>,
    had_after: bool,
    total: i64,
    key: impl Fn(&T) -> String,
    node: impl Fn(T) -> N,
) -> Connection<String, N, Counted> {
    let mut conn = Connection::with_additional_fields(had_after, page.has_next, Counted { total_count: total });
    conn.edges.extend(page.items.into_iter().map(|t| Edge::new(encode_cursor(&key(&t)), node(t))));
    conn
}
