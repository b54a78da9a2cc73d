//! GraphQL cursors over what each Azure DevOps list offers: a continuation token, an offset, or
//! a whole list paged here.
//!
//! A cursor names a position as (upstream token of the page it came from, items to skip in that
//! page). Serving one page never fetches all pages.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

pub const MAX_FIRST: i32 = 100;
pub const DEFAULT_FIRST: i32 = 20;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The continuation token that fetched the page (None: the first page).
    #[serde(rename = "t", skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Items of that page (or, for offset lists, of the whole list) already consumed.
    #[serde(rename = "s")]
    pub skip: u32,
}

impl Position {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn decode(cursor: &str) -> Option<Position> {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()
    }
}

/// A checked page request: 1..=100 items after a decoded position.
#[derive(Clone, Debug)]
pub struct Window {
    pub first: u32,
    pub after: Position,
    pub had_after: bool,
}

pub fn window(first: Option<i32>, after: Option<String>) -> Result<Window, ApiError> {
    let first = first.unwrap_or(DEFAULT_FIRST);
    if !(0..=MAX_FIRST).contains(&first) {
        return Err(ApiError::validation(
            "first",
            format!("first must be between 0 and {MAX_FIRST}"),
            Some("page through longer lists with after: pageInfo.endCursor"),
        ));
    }
    let had_after = after.is_some();
    let after = match after {
        None => Position::default(),
        Some(c) => Position::decode(&c).ok_or_else(|| {
            ApiError::validation(
                "after",
                "not a cursor of this list",
                Some("pass pageInfo.endCursor of the previous page"),
            )
        })?,
    };
    Ok(Window { first: first as u32, after, had_after })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_round_trips_and_garbage_is_refused() {
        let p = Position { token: Some("refs/heads/main".into()), skip: 3 };
        assert_eq!(Position::decode(&p.encode()), Some(p));
        assert!(window(Some(10), Some("!!".into())).is_err());
        assert!(window(Some(101), None).is_err());
    }
}
