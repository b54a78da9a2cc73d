//! `store::oauth_states`: a state is taken once, an expired one is refused (and gone), and
//! housekeeping drops only the expired.

use chrono::{Duration, Utc};
use sea_orm::DatabaseConnection;
use secrecy::{ExposeSecret, SecretString};

use super::fixtures::{integration, keyring, tenant, user};
use super::on_both_backends;
use crate::store::oauth_states::{self, ConsumeError, NewState};

async fn a_state_is_taken_once(db: &DatabaseConnection) {
    let (keys, a) = (keyring(), tenant(db, "a").await);
    let (alice, it) = (user(db, &a, "alice").await, integration(db, &keys, &a).await);
    let verifier = SecretString::from("pkce-verifier-0123456789");
    let state = NewState {
        state: "state-1",
        tenant_id: &a.id,
        user_id: &alice.id,
        integration_id: &it.id,
        verifier: &verifier,
        return_url: Some("https://app.example.com/settings".to_owned()),
        expires_at: Utc::now() + Duration::minutes(10),
    };
    oauth_states::insert(db, &keys, state).await.expect("insert");

    let taken = oauth_states::consume(db, &keys, "state-1").await.expect("first consume");
    assert_eq!(taken.verifier.expose_secret(), "pkce-verifier-0123456789");
    assert_eq!(taken.row.user_id, alice.id);
    assert_eq!(taken.row.integration_id, it.id);
    assert_eq!(taken.row.return_url.as_deref(), Some("https://app.example.com/settings"));
    assert_ne!(taken.row.state_hash, "state-1", "only a hash of the state is stored");

    let again = oauth_states::consume(db, &keys, "state-1").await;
    assert!(matches!(again, Err(ConsumeError::Unknown)), "{:?}", again.err());
    let forged = oauth_states::consume(db, &keys, "forged").await;
    assert!(matches!(forged, Err(ConsumeError::Unknown)), "{:?}", forged.err());
}
on_both_backends!(a_state_is_taken_once);

async fn an_expired_state_is_refused_and_purged(db: &DatabaseConnection) {
    let (keys, a) = (keyring(), tenant(db, "a").await);
    let (alice, it) = (user(db, &a, "alice").await, integration(db, &keys, &a).await);
    let verifier = SecretString::from("pkce-verifier-0123456789");
    let now = Utc::now();
    for (state, expires_at) in [("old-1", now - Duration::minutes(1)), ("old-2", now - Duration::minutes(2))] {
        let row = NewState {
            state,
            tenant_id: &a.id,
            user_id: &alice.id,
            integration_id: &it.id,
            verifier: &verifier,
            return_url: None,
            expires_at,
        };
        oauth_states::insert(db, &keys, row).await.expect("insert");
    }
    let fresh = NewState {
        state: "fresh",
        tenant_id: &a.id,
        user_id: &alice.id,
        integration_id: &it.id,
        verifier: &verifier,
        return_url: None,
        expires_at: now + Duration::minutes(10),
    };
    oauth_states::insert(db, &keys, fresh).await.expect("insert");

    let expired = oauth_states::consume(db, &keys, "old-1").await;
    assert!(matches!(expired, Err(ConsumeError::Expired)), "{:?}", expired.err());
    let after = oauth_states::consume(db, &keys, "old-1").await;
    assert!(matches!(after, Err(ConsumeError::Unknown)), "an expired state is consumed too: {:?}", after.err());

    assert_eq!(oauth_states::purge_expired(db, Utc::now()).await.expect("purge"), 1, "only old-2 was left expired");
    assert!(oauth_states::consume(db, &keys, "fresh").await.is_ok(), "the fresh state survives the purge");
}
on_both_backends!(an_expired_state_is_refused_and_purged);
