//! Relay pagination of the GraphQL API: the one place that checks `first`, reads and writes
//! cursors, and builds connections.
//!
//! Two kinds of list, one cursor codec each:
//! - rows stored here, paged by keyset in SQL ([`crate::store::pagination`]) both ways (`first`/`after`
//!   and `last`/`before`): a cursor is the id of a row seen (`c:{id}`, base64url). [`page_request`]
//!   checks the arguments, [`connection`] builds a [`RowConnection`], whose `totalCount` is always known.
//! - Azure DevOps lists, cut into pages in [`crate::browse::pages`]: a cursor is a [`Position`]
//!   (the upstream continuation token of its page and the items to skip in it; JSON, base64url).
//!   [`window`] checks the arguments, [`upstream_connection`] builds an [`UpstreamConnection`],
//!   whose `totalCount` is null where Azure DevOps does not say cheaply. Continuation tokens only go
//!   forward, so these fields take no `last`/`before` (a query passing them fails validation, with
//!   the hint of [`FORWARD_ONLY_HINT`]).
//!
//! The store's and browse's halves deal in ids and positions only; no cursor text leaves this module.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{OutputType, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::browse::pages::{PageOut, Position, Window};
use crate::error::ApiError;
use crate::store::pagination::{Page, PageRequest};

/// The largest page a client may ask for.
pub const MAX_FIRST: i32 = 100;
/// The page size when `first` is not given.
pub const DEFAULT_FIRST: i32 = 20;

/// The complexity of a connection field: 1, plus its page size (`first`, else `last`, else the
/// default; at most [`MAX_FIRST`]) times the cost of one item's selection. Used as
/// `#[graphql(complexity = "pagination::cost(first.or(last), child_complexity)")]`, so
/// `limit_complexity` sees the work a page of pages asks for.
pub fn cost(size: Option<i32>, child_complexity: usize) -> usize {
    let n = size.unwrap_or(DEFAULT_FIRST).clamp(0, MAX_FIRST) as usize;
    n.saturating_mul(child_complexity).saturating_add(1)
}

/// Extra connection fields.
#[derive(SimpleObject)]
pub struct Counted {
    /// How many items the whole list holds.
    pub total_count: i64,
}

/// Extra fields of connections over Azure DevOps lists.
#[derive(SimpleObject)]
pub struct MaybeCounted {
    /// How many items the whole list holds; null where Azure DevOps does not say cheaply.
    pub total_count: Option<i64>,
}

/// A connection over rows stored here.
pub type RowConnection<N> = Connection<String, N, Counted>;
/// A connection over an Azure DevOps list.
pub type UpstreamConnection<N> = Connection<String, N, MaybeCounted>;

/// Why an Azure DevOps list takes no `last`/`before`, and what to do instead.
pub const FORWARD_ONLY_HINT: &str = "this list is read from Azure DevOps, whose continuation tokens only go forward: \
     page with first and after: pageInfo.endCursor";

/// A page of a row list as the client asked for it: `first`/`after` forward (`first` 0..=100, default
/// 20), or `last`/`before` backward (`last` 0..=100); `after` and `before` bound the list either way.
pub fn page_request(
    first: Option<i32>,
    after: Option<&str>,
    last: Option<i32>,
    before: Option<&str>,
) -> Result<PageRequest, ApiError> {
    let after = after.map(|c| decode_row(c).ok_or_else(|| not_a_cursor("after"))).transpose()?;
    let before = before.map(|c| decode_row(c).ok_or_else(|| not_a_cursor("before"))).transpose()?;
    let (limit, from_end) = match (first, last) {
        (Some(_), Some(_)) => {
            return Err(ApiError::validation(
                "last",
                "first and last cannot be given together",
                Some("page forward with first and after, or backward with last and before: pageInfo.startCursor"),
            ));
        }
        (None, Some(last)) => (checked_count("last", Some(last))?, true),
        (first, None) => (checked_count("first", first)?, false),
    };
    Ok(PageRequest { limit: u64::from(limit), after, before, from_end })
}

/// Checks `first` (0..=100, default 20) and decodes `after` into a position in an Azure DevOps list.
pub fn window(first: Option<i32>, after: Option<&str>) -> Result<Window, ApiError> {
    let first = checked_count("first", first)?;
    let after = after.map(|c| decode_position(c).ok_or_else(|| not_a_cursor("after"))).transpose()?.unwrap_or_default();
    Ok(Window { first, after })
}

/// Turns a keyset page, taken as `req` asked, into a connection; `key` gives each row's id (its cursor).
///
/// `hasPreviousPage`: more rows before the page (fetched when paging backward), or `after` given
/// (its row, at least, precedes); `hasNextPage` the same the other way round.
pub fn connection<T, N: OutputType>(
    page: Page<T>,
    req: &PageRequest,
    total: i64,
    key: impl Fn(&T) -> &str,
    node: impl Fn(T) -> N,
) -> RowConnection<N> {
    let has_previous = (req.from_end && page.has_more) || req.after.is_some();
    let has_next = (!req.from_end && page.has_more) || req.before.is_some();
    let mut conn = Connection::with_additional_fields(has_previous, has_next, Counted { total_count: total });
    conn.edges.reserve_exact(page.items.len());
    conn.edges.extend(page.items.into_iter().map(|t| Edge::new(encode_row(key(&t)), node(t))));
    conn
}

/// Turns a page cut from an Azure DevOps list into a connection, each item's position its cursor.
pub fn upstream_connection<T, N: OutputType>(
    page: PageOut<T>,
    had_after: bool,
    node: impl Fn(T) -> N,
) -> UpstreamConnection<N> {
    let mut conn =
        Connection::with_additional_fields(had_after, page.has_next, MaybeCounted { total_count: page.total });
    conn.edges.extend(page.items.into_iter().map(|(pos, t)| Edge::new(encode_position(&pos), node(t))));
    conn
}

/// Checks a page size, `first` or `last` (0..=100, default 20).
fn checked_count(name: &'static str, count: Option<i32>) -> Result<u32, ApiError> {
    let count = count.unwrap_or(DEFAULT_FIRST);
    u32::try_from(count).ok().filter(|f| *f <= MAX_FIRST as u32).ok_or_else(|| {
        let hint = if name == "last" {
            "page through longer lists with before: pageInfo.startCursor"
        } else {
            "page through longer lists with after: pageInfo.endCursor"
        };
        ApiError::validation(name, format!("{name} must be between 0 and {MAX_FIRST}"), Some(hint))
    })
}

fn not_a_cursor(name: &'static str) -> ApiError {
    let hint = if name == "before" {
        "pass pageInfo.startCursor of the page that follows"
    } else {
        "pass pageInfo.endCursor of the previous page"
    };
    ApiError::validation(name, "not a cursor of this list", Some(hint))
}

fn encode_row(id: &str) -> String {
    crate::domain::global_id::base64_joined("c", id)
}

fn decode_row(cursor: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    String::from_utf8(bytes).ok()?.strip_prefix("c:").map(str::to_owned)
}

/// A [`Position`] as its cursor spells it.
#[derive(Serialize, Deserialize)]
struct PositionText {
    #[serde(rename = "t", skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(rename = "s")]
    skip: u32,
}

fn encode_position(p: &Position) -> String {
    let text = PositionText { token: p.token.clone(), skip: p.skip };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&text).unwrap_or_default())
}

/// The most items a cursor may say to skip: far beyond any list Azure DevOps pages, far below
/// anything that overflows (cursors are the client's to forge).
const MAX_SKIP: u32 = 10_000_000;

fn decode_position(cursor: &str) -> Option<Position> {
    let text: PositionText = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    (text.skip <= MAX_SKIP).then_some(Position { token: text.token, skip: text.skip })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_costs_its_page_size_times_its_items() {
        assert_eq!(cost(Some(100), 3), 301);
        assert_eq!(cost(None, 3), 61, "the default page of 20");
        assert_eq!(cost(Some(1_000_000), 3), 301, "capped at 100, as `first` is");
        assert_eq!(cost(Some(-5), 3), 1);
    }

    #[test]
    fn a_forged_cursor_with_a_hostile_skip_is_refused() {
        for skip in [u64::from(MAX_SKIP) + 1, u64::from(u32::MAX), u64::MAX] {
            let forged = URL_SAFE_NO_PAD.encode(format!(r#"{{"s":{skip}}}"#));
            assert!(window(Some(10), Some(&forged)).is_err(), "{skip}");
        }
        let fine = URL_SAFE_NO_PAD.encode(format!(r#"{{"s":{MAX_SKIP}}}"#));
        assert_eq!(window(Some(10), Some(&fine)).map(|w| w.after.skip).ok(), Some(MAX_SKIP));
    }

    #[test]
    fn row_cursors_round_trip_and_garbage_is_refused() {
        let req = page_request(Some(5), Some(&encode_row("0190-abc")), None, None).expect("a cursor of this list");
        assert_eq!((req.limit, req.after.as_deref(), req.from_end), (5, Some("0190-abc"), false));
        assert_eq!(encode_row("x"), "Yzp4", "the cursor text clients hold stays as it was");
        assert!(page_request(None, Some("!!"), None, None).is_err());
        let position = encode_position(&Position { token: None, skip: 2 });
        assert!(page_request(None, Some(&position), None, None).is_err(), "an upstream cursor is not a row cursor");
    }

    #[test]
    fn positions_round_trip_and_garbage_is_refused() {
        let p = Position { token: Some("refs/heads/main".into()), skip: 3 };
        assert_eq!(window(Some(10), Some(&encode_position(&p))).expect("a cursor").after, p);
        assert_eq!(decode_position("eyJzIjoyfQ"), Some(Position { token: None, skip: 2 }), "{{\"s\":2}}");
        assert!(window(Some(10), Some("!!")).is_err());
        assert!(window(None, Some(&encode_row("x"))).is_err(), "a row cursor is not an upstream cursor");
        assert_eq!(window(None, None).expect("defaults").after, Position::default());
    }

    fn refusal(e: ApiError) -> (String, String, Option<String>) {
        match e {
            ApiError::Validation(i) => (i.field, i.message, i.hint),
            other => panic!("{:?} is not a validation error", other.code()),
        }
    }

    #[test]
    fn refusals_name_the_argument_and_the_way_out() {
        let first = (
            "first".to_owned(),
            "first must be between 0 and 100".to_owned(),
            Some("page through longer lists with after: pageInfo.endCursor".to_owned()),
        );
        let after = (
            "after".to_owned(),
            "not a cursor of this list".to_owned(),
            Some("pass pageInfo.endCursor of the previous page".to_owned()),
        );
        assert_eq!(refusal(page_request(Some(101), None, None, None).unwrap_err()), first);
        assert_eq!(refusal(window(Some(-1), None).unwrap_err()), first);
        assert_eq!(refusal(page_request(None, Some("!!"), None, None).unwrap_err()), after);
        assert_eq!(refusal(window(None, Some("!!")).unwrap_err()), after);
    }

    #[test]
    fn first_is_checked_once_for_both_kinds() {
        for bad in [-1, 101] {
            assert!(page_request(Some(bad), None, None, None).is_err());
            assert!(window(Some(bad), None).is_err());
        }
        assert_eq!(page_request(None, None, None, None).expect("default").limit, 20);
        assert_eq!(window(Some(0), None).expect("zero").first, 0);
        assert_eq!(window(Some(100), None).expect("max").first, 100);
    }

    #[test]
    fn last_and_before_page_backward_and_are_checked_like_first_and_after() {
        let req = page_request(None, None, Some(3), Some(&encode_row("0190-b"))).expect("backward");
        assert_eq!((req.limit, req.before.as_deref(), req.from_end), (3, Some("0190-b"), true));
        let last = (
            "last".to_owned(),
            "last must be between 0 and 100".to_owned(),
            Some("page through longer lists with before: pageInfo.startCursor".to_owned()),
        );
        assert_eq!(refusal(page_request(None, None, Some(101), None).unwrap_err()), last);
        let (field, _, hint) = refusal(page_request(None, None, None, Some("!!")).unwrap_err());
        assert_eq!(
            (field.as_str(), hint.as_deref()),
            ("before", Some("pass pageInfo.startCursor of the page that follows"))
        );
        let (field, message, _) = refusal(page_request(Some(2), None, Some(2), None).unwrap_err());
        assert_eq!((field.as_str(), message.as_str()), ("last", "first and last cannot be given together"));
    }

    #[test]
    fn page_info_flags_follow_the_direction() {
        let page = |has_more| Page { items: vec!["x".to_owned()], has_more };
        let flags = |c: RowConnection<String>| (c.has_previous_page, c.has_next_page);
        let back = page_request(None, None, Some(1), Some(&encode_row("y"))).expect("backward");
        assert_eq!(flags(connection(page(true), &back, 3, String::as_str, |t| t)), (true, true));
        let back_from_end = page_request(None, None, Some(1), None).expect("backward from the end");
        assert_eq!(flags(connection(page(false), &back_from_end, 1, String::as_str, |t| t)), (false, false));
        let forward = page_request(Some(1), Some(&encode_row("w")), None, None).expect("forward");
        assert_eq!(flags(connection(page(false), &forward, 3, String::as_str, |t| t)), (true, false));
        let bounded = page_request(Some(1), None, None, Some(&encode_row("y"))).expect("forward up to a cursor");
        assert_eq!(flags(connection(page(false), &bounded, 3, String::as_str, |t| t)), (false, true));
    }
}
