//! `store::automations`: an automation read back per tenant with its parsed filters and its
//! signing secret sealed and opened, listed per integration, deleted once.

use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;

use super::fixtures::{automation, integration, keyring, tenant};
use super::on_both_backends;
use crate::store::automations;

async fn an_automation_is_read_back_by_its_tenant_and_deleted_once(db: &DatabaseConnection) {
    let (keys, a, b) = (keyring(), tenant(db, "a").await, tenant(db, "b").await);
    let it = integration(db, &keys, &a).await;
    let created = automation(db, &keys, &it, "signing-key").await;

    let got = automations::get(db, &a.id, &created.id).await.expect("get").expect("found");
    assert_eq!(got.name, "pushes");
    assert_eq!(automations::event_types(&got), ["CODE_PUSHED"]);
    assert_eq!(got.repository.as_deref(), Some("api-gateway"));
    assert_eq!(got.branch.as_deref(), Some("release/*"));
    assert_eq!(got.target_url, "https://hooks.example.com/vcslink");
    let secret = automations::open_secret(&keys, &got).expect("opens").expect("a secret");
    assert_eq!(secret.expose_secret(), "signing-key");
    assert!(automations::get(db, &b.id, &created.id).await.expect("get").is_none());

    let second = automation(db, &keys, &it, "another-key").await;
    let listed = automations::list(db, &it.id).await.expect("list");
    assert_eq!(listed.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), [created.id.as_str(), second.id.as_str()]);

    assert!(!automations::delete(db, &b.id, &created.id).await.expect("delete"), "not another tenant's");
    assert!(automations::delete(db, &a.id, &created.id).await.expect("delete"));
    assert!(!automations::delete(db, &a.id, &created.id).await.expect("delete"), "already gone");
    assert_eq!(automations::list(db, &it.id).await.expect("list").len(), 1);
}
on_both_backends!(an_automation_is_read_back_by_its_tenant_and_deleted_once);
