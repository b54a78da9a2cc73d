//! Cutting one GraphQL page out of what each Azure DevOps list offers: a continuation token, an
//! offset, or a whole list paged here; each item comes with the [`Position`] just after it.
//!
//! A position names a place as (upstream token of the page it came from, items to skip in that
//! page), so serving one page never fetches all pages. This is browse's half of pagination: the
//! cursor text and the `first`/`after` checks are `graphql/pagination.rs`.

/// A place in an Azure DevOps list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Position {
    /// The continuation token that fetched the page (None: the first page).
    pub token: Option<String>,
    /// Items of that page (or, for offset lists, of the whole list) already consumed.
    pub skip: u32,
}

/// A checked page request: at most `first` items after `after`.
#[derive(Clone, Debug)]
pub struct Window {
    pub first: u32,
    pub after: Position,
}

/// One page of items, each with the position just after it.
pub struct PageOut<T> {
    pub items: Vec<(Position, T)>,
    pub has_next: bool,
    pub total: Option<i64>,
}

/// A page of a token-paged list fetched with `$top = skip + first` from `window.after.token`.
pub fn from_token_page<T>(window: &Window, fetched: Vec<T>, next_token: Option<String>) -> PageOut<T> {
    let skip = window.after.skip as usize;
    let fetched_len = fetched.len();
    let mut items = Vec::new();
    for (i, item) in fetched.into_iter().enumerate().skip(skip).take(window.first as usize) {
        let pos = Position { token: window.after.token.clone(), skip: (i + 1) as u32 };
        items.push((pos, item));
    }
    let consumed = skip + items.len();
    let has_next = consumed < fetched_len || next_token.is_some();
    // When the whole upstream page was used, the last cursor jumps straight to the next page.
    if consumed >= fetched_len
        && let (Some(token), Some(last)) = (next_token, items.last_mut())
    {
        last.0 = Position { token: Some(token), skip: 0 };
    }
    PageOut { items, has_next, total: None }
}

/// A page of an offset-paged list fetched with `$skip = after.skip`, `$top = first + 1`.
pub fn from_offset_page<T>(window: &Window, fetched: Vec<T>) -> PageOut<T> {
    let has_next = fetched.len() > window.first as usize;
    let base = window.after.skip as usize;
    let items = fetched
        .into_iter()
        .take(window.first as usize)
        .enumerate()
        .map(|(i, item)| (Position { token: None, skip: (base + i + 1) as u32 }, item))
        .collect();
    PageOut { items, has_next, total: None }
}

/// A page of a whole list held here.
pub fn from_whole_list<T>(window: &Window, all: Vec<T>) -> PageOut<T> {
    let total = all.len() as i64;
    let rest: Vec<T> = all.into_iter().skip(window.after.skip as usize).take(window.first as usize + 1).collect();
    let mut page = from_offset_page(window, rest);
    page.total = Some(total);
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(first: u32, after: Option<Position>) -> Window {
        Window { first, after: after.unwrap_or_default() }
    }

    #[test]
    fn token_pages_walk_without_loss_or_repeat() {
        let page = from_token_page(&w(2, None), vec![1, 2], Some("t2".into()));
        assert_eq!(page.items.iter().map(|i| i.1).collect::<Vec<_>>(), [1, 2]);
        assert!(page.has_next);
        assert_eq!(page.items[1].0, Position { token: Some("t2".into()), skip: 0 });
        let mid = page.items[0].0.clone();
        let again = from_token_page(&w(2, Some(mid)), vec![1, 2, 3], None);
        assert_eq!(again.items.iter().map(|i| i.1).collect::<Vec<_>>(), [2, 3]);
        assert!(!again.has_next);
    }

    #[test]
    fn whole_lists_count_and_page() {
        let page = from_whole_list(&w(2, Some(Position { token: None, skip: 2 })), vec![1, 2, 3, 4, 5]);
        assert_eq!(page.items.iter().map(|i| i.1).collect::<Vec<_>>(), [3, 4]);
        assert!(page.has_next);
        assert_eq!(page.total, Some(5));
    }
}
