//! The ID token of a sign-in is checked before anything is parked: one signed by a key the tenant
//! does not publish, one with another sign-in's nonce, one issued to another client, or none at
//! all, and the callback stores nothing and says the sign-in could not be confirmed. The tenant's
//! keys are read once and cached.

use fake_azure::IdTokenFault;

use crate::support::authorizations::{connect, count_rows, viewer_auth};
use crate::support::integrations::oauth_integration;
use crate::support::{Backend, spawn_with};

#[tokio::test]
async fn an_id_token_that_is_not_this_sign_ins_parks_nothing() {
    let app = spawn_with(Backend::Sqlite, |_| {}).await.expect("app");
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    for fault in
        [IdTokenFault::ForeignSignature, IdTokenFault::OtherNonce, IdTokenFault::OtherAudience, IdTokenFault::Absent]
    {
        app.fake.set_id_token_fault(Some(fault));
        let cb = connect(&app, &alice, &id).await;
        assert_eq!(cb.status, 400, "{fault:?}: {}", cb.body);
        assert!(cb.body.contains("could not be confirmed"), "{fault:?}: {}", cb.body);
        assert!(!cb.body.contains("dana@contoso.com"), "{fault:?}: no account is named: {}", cb.body);
        assert_eq!(count_rows(&app, "parked_authorizations").await, 0, "{fault:?}: nothing parked");
        assert!(viewer_auth(&app, &alice, &id).await.is_null(), "{fault:?}");
    }
    app.fake.set_id_token_fault(None);
    let cb = connect(&app, &alice, &id).await;
    assert_eq!(cb.status, 200, "Entra's own ID token passes: {}", cb.body);
    assert_eq!(viewer_auth(&app, &alice, &id).await["status"], "ACTIVE");
    let keys_read = app.fake.request_count("/discovery/v2.0/keys");
    assert_eq!(keys_read, 1, "the tenant's keys are read once for five sign-ins");
}
