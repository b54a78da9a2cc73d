//! `store::parked_authorizations`: a parked grant is seen and taken only by its owner, once, its
//! tokens open back, and an expired one is purged.

use chrono::{Duration, Utc};
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};

use super::fixtures::{integration, keyring, tenant};
use super::on_both_backends;
use crate::domain::entra_account::EntraAccount;
use crate::store::parked_authorizations::{self as parked, NewParked, Principal};

async fn a_parked_grant_is_its_owners_once(db: &DatabaseConnection) {
    let (keys, a) = (keyring(), tenant(db, "a").await);
    let it = integration(db, &keys, &a).await;
    let (access, refresh) = (SecretString::from("access-1"), SecretString::from("refresh-1"));
    let alice = Principal { tenant_id: &a.id, user_id: "alice" };
    let bob = Principal { tenant_id: &a.id, user_id: "bob" };
    let scopes = ["openid".to_owned()];
    let account = EntraAccount { object_id: "oid-1".into(), tenant_id: "tid-1".into() };
    let new = |expires_at| NewParked {
        owner: alice,
        integration_id: &it.id,
        access: &access,
        refresh: Some(&refresh),
        token_expires_at: Utc::now() + Duration::hours(1),
        scopes: &scopes,
        authenticated_as: "dana@contoso.com",
        account: &account,
        expires_at,
    };
    let handle = parked::park(db, &keys, new(Utc::now() + Duration::minutes(10))).await.expect("park");
    let handle = handle.expose_secret();

    assert!(parked::peek(db, bob, handle).await.expect("peek").is_none(), "another user sees nothing");
    assert!(parked::take(db, &keys, bob, handle).await.expect("take").is_none(), "nor takes it");
    let seen = parked::peek(db, alice, handle).await.expect("peek").expect("the owner sees it");
    assert_eq!(seen.authenticated_as, "dana@contoso.com");
    assert_eq!((seen.account_object_id.as_deref(), seen.account_tenant_id.as_deref()), (Some("oid-1"), Some("tid-1")));
    let taken = parked::take(db, &keys, alice, handle).await.expect("take").expect("the owner takes it");
    assert_eq!(taken.access.expose_secret(), "access-1");
    assert_eq!(taken.refresh.as_ref().map(|r| r.expose_secret().to_owned()).as_deref(), Some("refresh-1"));
    assert!(parked::take(db, &keys, alice, handle).await.expect("take").is_none(), "once");

    let stale = parked::park(db, &keys, new(Utc::now() - Duration::seconds(1))).await.expect("park");
    assert!(parked::peek(db, alice, stale.expose_secret()).await.expect("peek").is_none(), "expired");
    assert_eq!(parked::purge_expired(db, Utc::now()).await.expect("purge"), 1);
}
on_both_backends!(a_parked_grant_is_its_owners_once);
