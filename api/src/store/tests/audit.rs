//! `store::audit`: an act is recorded with who did it, on what, and its details, per tenant.

use sea_orm::DatabaseConnection;
use serde_json::json;

use super::fixtures::tenant;
use super::on_both_backends;
use crate::store::audit::{self, Actor};
use crate::store::pagination::PageRequest;

async fn an_act_is_recorded_for_its_tenant(db: &DatabaseConnection) {
    let (a, b) = (tenant(db, "a").await, tenant(db, "b").await);
    let admin = Actor { tenant_id: a.id.clone(), user: "admin".to_owned(), token_id: Some("token-1".to_owned()) };
    audit::record(db, &admin, "integration.create", Some("integration-1"), json!({ "name": "contoso" }))
        .await
        .expect("record");
    audit::record(db, &admin, "token.create", None, json!({})).await.expect("record");

    assert_eq!(audit::count(db, &a.id).await.expect("count"), 2);
    assert_eq!(audit::count(db, &b.id).await.expect("count"), 0);
    let page = audit::list(db, &a.id, &PageRequest::first(10)).await.expect("list");
    assert_eq!(
        page.items.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["token.create", "integration.create"]
    );
    let created = &page.items[1];
    assert_eq!(created.actor, "admin");
    assert_eq!(created.token_id.as_deref(), Some("token-1"));
    assert_eq!(created.target_id.as_deref(), Some("integration-1"));
    let details: serde_json::Value = serde_json::from_str(&created.details).expect("details are JSON");
    assert_eq!(details, json!({ "name": "contoso" }));
    assert!(audit::list(db, &b.id, &PageRequest::first(10)).await.expect("list").items.is_empty());
}
on_both_backends!(an_act_is_recorded_for_its_tenant);
