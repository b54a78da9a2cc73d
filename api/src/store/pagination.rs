//! Keyset pagination over time-ordered ids: a page starts after the id of the last row seen.
//!
//! The store's half of pagination (the SQL side, in each aggregate's `list`); the cursor text and
//! the `first`/`after` checks are `graphql/pagination.rs`.

/// What a caller asks for: at most `first` rows after the row whose id is `after`.
#[derive(Clone, Debug)]
pub struct PageRequest {
    pub first: u64,
    pub after: Option<String>,
}

/// One page of rows and whether more follow.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
}

impl<T> Page<T> {
    /// Builds a page from `first + 1` fetched rows: the extra row only says that more follow.
    pub fn from_overfetch(mut items: Vec<T>, first: u64) -> Page<T> {
        let has_next = items.len() as u64 > first;
        items.truncate(first as usize);
        Page { items, has_next }
    }
}
