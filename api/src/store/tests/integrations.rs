//! `store::integrations`: rows kept per tenant, secrets sealed and opened back, updates read back,
//! one name per tenant (case-insensitively), and a tombstone left by a delete.

use entity::integration_tombstone;
use sea_orm::{DatabaseConnection, EntityTrait};
use secrecy::ExposeSecret;

use super::fixtures::{PAT, WEBHOOK_PASSWORD, insert_integration, integration, keyring, tenant};
use super::on_both_backends;
use crate::domain::integration::{IntegrationChanges, Patch, Status};
use crate::domain::user_authorization_methods::{UserAuthorizationMethod, UserAuthorizationMethods};
use crate::domain::{IntegrationName, Labels};
use crate::error::{is_unique_violation, unique_violation};
use crate::store::integrations::{self, Update};

async fn an_integration_is_read_back_by_its_tenant_only(db: &DatabaseConnection) {
    let (keys, a, b) = (keyring(), tenant(db, "a").await, tenant(db, "b").await);
    let created = integration(db, &keys, &a).await;

    let got = integrations::get(db, &a.id, &created.id).await.expect("get").expect("found");
    assert_eq!(got.name, "contoso");
    assert_eq!(got.name_key, "contoso");
    assert_eq!(got.organization, "contoso");
    assert_eq!(got.status, "UNVERIFIED");
    assert_eq!(integrations::status(&got), Status::Unverified);
    assert_eq!(integrations::labels(&got), ["team-a"]);
    assert_eq!(integrations::accessible_projects(&got), None);
    assert_eq!(got.pat_hint.as_deref(), Some("MNOP"));
    let pat = integrations::open_pat(&keys, &got).expect("opens").expect("a PAT");
    assert_eq!(pat.expose_secret(), PAT);
    assert!(!got.pat_sealed.as_deref().unwrap_or_default().windows(PAT.len()).any(|w| w == PAT.as_bytes()));
    assert_eq!(integrations::open_webhook_password(&keys, &got).expect("opens").expose_secret(), WEBHOOK_PASSWORD);
    assert!(integrations::open_pat(&keyring(), &got).is_err(), "another keyring cannot open it");

    assert!(integrations::get(db, &b.id, &created.id).await.expect("get").is_none());
    assert_eq!(integrations::list(db, &a.id).await.expect("list").len(), 1);
    assert!(integrations::list(db, &b.id).await.expect("list").is_empty());
}
on_both_backends!(an_integration_is_read_back_by_its_tenant_only);

async fn an_update_is_read_back(db: &DatabaseConnection) {
    let (keys, a) = (keyring(), tenant(db, "a").await);
    let created = integration(db, &keys, &a).await;
    let changes = IntegrationChanges {
        name: Some(IntegrationName::parse("Fabrikam Main").expect("name")),
        description: Patch::Keep,
        labels: Some(Labels::parse(&["prod", "eu"]).expect("labels")),
        is_default: Some(true),
        projects: Patch::Keep,
        pat: Patch::Clear,
        oauth_app: Patch::Keep,
        app_identity: Patch::Keep,
        webhook_password: None,
        user_authorization_methods: Patch::Set(UserAuthorizationMethods::from_list(&[
            UserAuthorizationMethod::PersonalAccessToken,
        ])),
        versions: Default::default(),
    };
    let update = Update {
        changes: &changes,
        oauth: None,
        app_identity: None,
        acting_credential: None,
        verification: Some((Status::Failing, "{}".to_owned())),
        stamps: Default::default(),
    };
    integrations::update(db, &keys, created.clone(), update).await.expect("update");

    let got = integrations::get(db, &a.id, &created.id).await.expect("get").expect("found");
    assert_eq!(got.name, "Fabrikam Main");
    assert_eq!(got.name_key, "fabrikam main");
    assert_eq!(integrations::labels(&got), ["eu", "prod"]);
    assert!(got.is_default);
    assert_eq!(integrations::status(&got), Status::Failing);
    assert_eq!(got.last_verification.as_deref(), Some("{}"));
    assert!(got.pat_sealed.is_none() && got.pat_hint.is_none(), "the PAT is cleared");
    assert!(got.updated_at >= created.updated_at);
    assert_eq!(integrations::open_webhook_password(&keys, &got).expect("kept").expose_secret(), WEBHOOK_PASSWORD);
    assert_eq!(got.user_authorization_methods.as_deref(), Some("PERSONAL_ACCESS_TOKEN"));
    assert_eq!(created.user_authorization_methods, None, "the default is stored as none chosen");
}
on_both_backends!(an_update_is_read_back);

async fn a_name_is_unique_per_tenant_whatever_its_case(db: &DatabaseConnection) {
    let (keys, a, b) = (keyring(), tenant(db, "a").await, tenant(db, "b").await);
    let first = insert_integration(db, &keys, &a, "Contoso").await.expect("first");

    let err = insert_integration(db, &keys, &a, "CONTOSO").await.expect_err("same name, same tenant");
    assert!(is_unique_violation(&err), "{err:?}");
    assert_eq!(unique_violation(&err).as_deref(), Some("ux_integrations_tenant_name"), "{err:?}");
    assert!(insert_integration(db, &keys, &b, "contoso").await.is_ok(), "another tenant may use the name");

    assert!(integrations::name_taken(db, &a.id, "contoso", None).await.expect("query"));
    assert!(!integrations::name_taken(db, &a.id, "contoso", Some(&first.id)).await.expect("query"));
    assert!(!integrations::name_taken(db, &a.id, "fabrikam", None).await.expect("query"));
}
on_both_backends!(a_name_is_unique_per_tenant_whatever_its_case);

async fn a_delete_leaves_a_tombstone(db: &DatabaseConnection) {
    let (keys, a, b) = (keyring(), tenant(db, "a").await, tenant(db, "b").await);
    let created = integration(db, &keys, &a).await;

    assert!(!integrations::delete(db, &b.id, &created.id, &[]).await.expect("delete"), "not another tenant's");
    assert!(integrations::delete(db, &a.id, &created.id, &[]).await.expect("delete"));
    assert!(integrations::get(db, &a.id, &created.id).await.expect("get").is_none());
    assert!(!integrations::delete(db, &a.id, &created.id, &[]).await.expect("delete"), "already gone");
    let tomb = integration_tombstone::Entity::find_by_id(created.id.clone()).one(db).await.expect("find");
    assert_eq!(tomb.map(|t| t.tenant_id), Some(a.id));
}
on_both_backends!(a_delete_leaves_a_tombstone);

async fn an_app_identity_is_sealed_set_and_removed(db: &DatabaseConnection) {
    use crate::domain::app_identity::{AppIdentity, AppIdentityFields};
    let (keys, a) = (keyring(), tenant(db, "a").await);
    let created = integration(db, &keys, &a).await;
    let secret = "app~Store.Secret_0123456789abcdefghij";
    let identity = AppIdentity::parse(AppIdentityFields {
        client_id: "5d6e7f80-9a0b-4c1d-8e2f-3a4b5c6d7e8f".into(),
        client_secret: Some(secret.into()),
        ..Default::default()
    })
    .expect("identity");
    let settled = integrations::SettledAppIdentity { identity: &identity, tenant_id: "t-1" };
    let changes = IntegrationChanges { app_identity: Patch::Set(identity.clone()), ..IntegrationChanges::none() };
    let update = Update {
        changes: &changes,
        oauth: None,
        app_identity: Some(Some(settled)),
        acting_credential: None,
        verification: None,
        stamps: integrations::Stamps { app_secret: Some(2), ..Default::default() },
    };
    let got = integrations::update(db, &keys, created, update).await.expect("update");
    assert_eq!((got.app_tenant_id.as_deref(), got.app_proof.as_deref()), (Some("t-1"), Some("client_secret")));
    assert_eq!(got.app_secret_hint.as_deref(), Some("ghij"));
    let sealed = got.app_secret_sealed.clone().expect("sealed");
    assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_bytes()), "never in clear");
    assert_eq!(integrations::open_app_secret(&keys, &got).expect("opens").expect("a secret").expose_secret(), secret);

    let changes = IntegrationChanges { app_identity: Patch::Clear, ..IntegrationChanges::none() };
    let update = Update {
        changes: &changes,
        oauth: None,
        app_identity: Some(None),
        acting_credential: None,
        verification: None,
        stamps: integrations::Stamps { app_secret: Some(2), ..Default::default() },
    };
    let got = integrations::update(db, &keys, got, update).await.expect("update");
    assert!(got.app_client_id.is_none() && got.app_secret_sealed.is_none());
}
on_both_backends!(an_app_identity_is_sealed_set_and_removed);
