//! `store::tokens`: a token found by its lookup key until revoked, revoked once, counted per tenant.

use sea_orm::DatabaseConnection;

use super::fixtures::{tenant, user};
use super::on_both_backends;
use crate::store::new_id;
use crate::store::pagination::PageRequest;
use crate::store::tokens::{self, NewToken};

async fn a_token_is_found_by_its_lookup_key_until_revoked(db: &DatabaseConnection) {
    let a = tenant(db, "a").await;
    let alice = user(db, &a, "alice").await;
    let token = NewToken {
        id: new_id(),
        tenant_id: &a.id,
        user_id: &alice.id,
        name: Some("ci".to_owned()),
        role: "MEMBER",
        lookup_key: "0123456789abcdef".to_owned(),
        hash: "$argon2id$stand-in".to_owned(),
        expires_at: None,
    };
    let created = tokens::insert(db, token).await.expect("insert");

    let found = tokens::candidates(db, "0123456789abcdef").await.expect("candidates");
    assert_eq!(found.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), [created.id.as_str()]);
    assert_eq!(found[0].user_id, alice.id);
    assert_eq!(found[0].role, "MEMBER");
    assert_eq!(found[0].name.as_deref(), Some("ci"));
    assert!(tokens::candidates(db, "fedcba9876543210").await.expect("candidates").is_empty());
    assert!(tokens::is_active(db, &created.id).await.expect("active"));

    assert!(tokens::revoke(db, &created.id).await.expect("revoke"));
    assert!(!tokens::revoke(db, &created.id).await.expect("revoke"), "a second revoke changes nothing");
    assert!(!tokens::revoke(db, "no-such-token").await.expect("revoke"));
    assert!(tokens::candidates(db, "0123456789abcdef").await.expect("candidates").is_empty());
    assert!(!tokens::is_active(db, &created.id).await.expect("active"));
    let row = tokens::by_id(db, &created.id).await.expect("by id").expect("kept");
    assert!(row.revoked_at.is_some(), "a revoked token is kept, marked");
}
on_both_backends!(a_token_is_found_by_its_lookup_key_until_revoked);

async fn tokens_are_listed_and_counted_per_tenant(db: &DatabaseConnection) {
    let (a, b) = (tenant(db, "a").await, tenant(db, "b").await);
    let (alice, bob) = (user(db, &a, "alice").await, user(db, &b, "bob").await);
    for (tenant, user, key) in [(&a, &alice, "1"), (&a, &alice, "2"), (&b, &bob, "3")] {
        let token = NewToken {
            id: new_id(),
            tenant_id: &tenant.id,
            user_id: &user.id,
            name: None,
            role: "ADMIN",
            lookup_key: key.repeat(16),
            hash: "$argon2id$stand-in".to_owned(),
            expires_at: None,
        };
        tokens::insert(db, token).await.expect("insert");
    }
    assert_eq!(tokens::count(db, &a.id).await.expect("count"), 2);
    assert_eq!(tokens::count(db, &b.id).await.expect("count"), 1);
    let page = tokens::list(db, &a.id, &PageRequest::first(10)).await.expect("list");
    assert_eq!(page.items.len(), 2);
    assert!(page.items.iter().all(|t| t.tenant_id == a.id));
    assert!(!page.has_more);
}
on_both_backends!(tokens_are_listed_and_counted_per_tenant);
