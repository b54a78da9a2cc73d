//! Keyset pagination over time-ordered ids, both ways: a page is the first (or the last) rows of
//! the list between two ids already seen.
//!
//! The store's half of pagination (the SQL side, in each aggregate's `list`, through [`keyset`]);
//! the cursor text and the `first`/`after`/`last`/`before` checks are `graphql/pagination.rs`.

use sea_orm::{ColumnTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select};

/// What a caller asks for: at most `limit` rows of the list strictly between the rows whose ids
/// are `after` and `before` (in the list's order), the first ones, or the last ones when `from_end`.
#[derive(Clone, Debug)]
pub struct PageRequest {
    pub limit: u64,
    pub after: Option<String>,
    pub before: Option<String>,
    pub from_end: bool,
}

impl PageRequest {
    /// The first `limit` rows of the list.
    pub const fn first(limit: u64) -> PageRequest {
        PageRequest { limit, after: None, before: None, from_end: false }
    }
}

/// One page of rows, always in the list's order, and whether more rows lie beyond it on the side
/// it was taken from (after it for the first rows, before it for the last ones).
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_more: bool,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows fetched from the page's side inward (so, when
    /// `from_end`, in reverse list order): the extra row only says that more lie beyond.
    pub fn from_overfetch(mut items: Vec<T>, page: &PageRequest) -> Page<T> {
        let has_more = items.len() as u64 > page.limit;
        items.truncate(page.limit as usize);
        if page.from_end {
            items.reverse();
        }
        Page { items, has_more }
    }

    /// The same page with each row turned into something else.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), has_more: self.has_more }
    }
}

/// How a list is ordered by its time-ordered ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListOrder {
    OldestFirst,
    NewestFirst,
}

/// Narrows `query` to the request's window of the list ordered by `id`, fetching `limit + 1` rows
/// from the requested end inward; hand the rows to [`Page::from_overfetch`].
pub fn keyset<E: EntityTrait>(query: Select<E>, id: E::Column, order: ListOrder, page: &PageRequest) -> Select<E> {
    let oldest_first = order == ListOrder::OldestFirst;
    let mut query = query;
    if let Some(after) = &page.after {
        query = query.filter(if oldest_first { id.gt(after.as_str()) } else { id.lt(after.as_str()) });
    }
    if let Some(before) = &page.before {
        query = query.filter(if oldest_first { id.lt(before.as_str()) } else { id.gt(before.as_str()) });
    }
    let ascending = oldest_first != page.from_end;
    query.order_by(id, if ascending { Order::Asc } else { Order::Desc }).limit(page.limit + 1)
}

/// The request's page of a list already in memory, in its order (oldest first); `id` gives each
/// item's id.
pub fn in_memory<T>(items: Vec<T>, id: impl Fn(&T) -> &str, page: &PageRequest) -> Page<T> {
    let window = items.into_iter().filter(|t| {
        page.after.as_deref().is_none_or(|a| id(t) > a) && page.before.as_deref().is_none_or(|b| id(t) < b)
    });
    let fetched: Vec<T> = if page.from_end {
        let mut all: Vec<T> = window.collect();
        all.reverse();
        all.truncate(page.limit as usize + 1);
        all
    } else {
        window.take(page.limit as usize + 1).collect()
    };
    Page::from_overfetch(fetched, page)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{i:02}")).collect()
    }

    fn req(limit: u64, after: Option<&str>, before: Option<&str>, from_end: bool) -> PageRequest {
        PageRequest { limit, after: after.map(str::to_owned), before: before.map(str::to_owned), from_end }
    }

    #[test]
    fn the_last_rows_come_in_list_order_and_say_whether_more_precede() {
        let page = in_memory(ids(5), String::as_str, &req(2, None, None, true));
        assert_eq!((page.items, page.has_more), (vec!["03".to_owned(), "04".to_owned()], true));
        let page = in_memory(ids(5), String::as_str, &req(2, None, Some("02"), true));
        assert_eq!((page.items, page.has_more), (vec!["00".to_owned(), "01".to_owned()], false));
    }

    #[test]
    fn the_first_rows_stop_at_before_and_start_after_after() {
        let page = in_memory(ids(6), String::as_str, &req(10, Some("01"), Some("04"), false));
        assert_eq!((page.items, page.has_more), (vec!["02".to_owned(), "03".to_owned()], false));
        let page = in_memory(ids(6), String::as_str, &req(1, Some("01"), None, false));
        assert_eq!((page.items, page.has_more), (vec!["02".to_owned()], true));
    }

    #[test]
    fn a_zero_limit_is_an_empty_page_that_still_says_whether_rows_exist() {
        let page = in_memory(ids(3), String::as_str, &req(0, None, None, true));
        assert!(page.items.is_empty() && page.has_more);
        let page = in_memory(Vec::<String>::new(), String::as_str, &req(0, None, None, false));
        assert!(page.items.is_empty() && !page.has_more);
    }
}
