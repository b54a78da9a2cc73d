//! `store::pagination` over real rows: keyset pages walk a table to its end, and backward to its
//! start, without loss or repeat, newest first (the audit log) and oldest first (API tokens).

use sea_orm::DatabaseConnection;

use super::fixtures::{tenant, user};
use super::on_both_backends;
use crate::store::audit::{self, Actor};
use crate::store::new_id;
use crate::store::pagination::{Page, PageRequest};
use crate::store::tokens::{self, NewToken};

/// Every page's ids, asking for `first` at a time until no more follow.
async fn walk<F, Fut>(first: u64, mut page: F) -> Vec<Vec<String>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = Page<String>>,
{
    let (mut pages, mut after) = (Vec::new(), None);
    loop {
        let got = page(PageRequest { after: after.clone(), ..PageRequest::first(first) }).await;
        after = got.items.last().cloned();
        let more = got.has_more;
        pages.push(got.items);
        if !more {
            return pages;
        }
        assert!(pages.len() < 10, "runaway paging");
    }
}

/// Every page's ids from the end back to the start, `last` at a time, until no more precede.
async fn walk_back<F, Fut>(last: u64, mut page: F) -> Vec<Vec<String>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = Page<String>>,
{
    let (mut pages, mut before) = (Vec::new(), None);
    loop {
        let got = page(PageRequest { before: before.clone(), from_end: true, ..PageRequest::first(last) }).await;
        before = got.items.first().cloned();
        let more = got.has_more;
        pages.push(got.items);
        if !more {
            return pages;
        }
        assert!(pages.len() < 10, "runaway paging");
    }
}

/// Backward pages read from the list's start: the list in its order.
fn from_start(mut pages: Vec<Vec<String>>) -> Vec<String> {
    pages.reverse();
    pages.concat()
}

fn ids<T>(page: Page<T>, id: impl Fn(&T) -> String) -> Page<String> {
    Page { items: page.items.iter().map(id).collect(), has_more: page.has_more }
}

async fn the_audit_log_pages_newest_first_to_its_end(db: &DatabaseConnection) {
    let a = tenant(db, "a").await;
    let actor = Actor { tenant_id: a.id.clone(), user: "admin".to_owned(), token_id: None };
    for n in 0..5 {
        audit::record(db, &actor, &format!("act.{n}"), None, serde_json::json!({})).await.expect("record");
    }
    let all = ids(audit::list(db, &a.id, &PageRequest::first(10)).await.expect("list"), |e| e.id.clone());
    let pages = walk(2, |req| {
        let tenant_id = a.id.clone();
        async move { ids(audit::list(db, &tenant_id, &req).await.expect("list"), |e| e.id.clone()) }
    })
    .await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
    assert_eq!(pages.concat(), all.items, "every row once, in order");
    let back = walk_back(2, |req| {
        let tenant_id = a.id.clone();
        async move { ids(audit::list(db, &tenant_id, &req).await.expect("list"), |e| e.id.clone()) }
    })
    .await;
    assert_eq!(back.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1], "the short page is the list's start");
    assert_eq!(from_start(back), all.items, "backward: every row once, in the list's order");
    let mut sorted = all.items.clone();
    sorted.sort_by(|x, y| y.cmp(x));
    assert_eq!(all.items, sorted, "newest (largest id) first");
}
on_both_backends!(the_audit_log_pages_newest_first_to_its_end);

async fn tokens_page_oldest_first_to_their_end(db: &DatabaseConnection) {
    let a = tenant(db, "a").await;
    let alice = user(db, &a, "alice").await;
    let mut created = Vec::new();
    for n in 0..4 {
        let token = NewToken {
            id: new_id(),
            tenant_id: &a.id,
            user_id: &alice.id,
            name: None,
            role: "MEMBER",
            lookup_key: format!("{n:016}"),
            hash: "$argon2id$stand-in".to_owned(),
            expires_at: None,
        };
        created.push(tokens::insert(db, token).await.expect("insert").id);
    }
    let pages = walk(2, |req| {
        let tenant_id = a.id.clone();
        async move { ids(tokens::list(db, &tenant_id, &req).await.expect("list"), |t| t.id.clone()) }
    })
    .await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2]);
    assert_eq!(pages.concat(), created, "oldest first, every row once");
    let back = walk_back(3, |req| {
        let tenant_id = a.id.clone();
        async move { ids(tokens::list(db, &tenant_id, &req).await.expect("list"), |t| t.id.clone()) }
    })
    .await;
    assert_eq!(back.iter().map(Vec::len).collect::<Vec<_>>(), [3, 1]);
    assert_eq!(from_start(back), created, "backward: every row once, oldest first");
}
on_both_backends!(tokens_page_oldest_first_to_their_end);
