//! Rows the store tests build on: a keyring, tenants and users, an integration, a delivery and an
//! automation, each written through the store functions themselves.

use entity::{automation, integration, tenant, user, webhook_delivery};
use sea_orm::DatabaseConnection;
use secrecy::SecretString;

use crate::crypto::{Keyring, MasterKey};
use crate::domain::automation::{AutomationFields, NewAutomation};
use crate::domain::integration::{NewIntegration, Status};
use crate::domain::service_hook::{EventKind, Normalized};
use crate::domain::{IntegrationName, Labels, OrganizationUrl, PersonalAccessToken, WebhookPassword};
use crate::store::deliveries::{self, NewDelivery, Stored};
use crate::store::{automations as automation_rows, integrations, new_id, tenants};

pub const PAT: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP";
pub const WEBHOOK_PASSWORD: &str = "hook-password-0123456789";

pub fn keyring() -> Keyring {
    Keyring::new(MasterKey::generate(), Vec::new())
}

pub async fn tenant(db: &DatabaseConnection, name: &str) -> tenant::Model {
    tenants::ensure_tenant(db, name).await.expect("tenant")
}

pub async fn user(db: &DatabaseConnection, tenant: &tenant::Model, name: &str) -> user::Model {
    tenants::ensure_user(db, &tenant.id, name).await.expect("user")
}

/// A PAT integration on `https://dev.azure.com/contoso` named `name`, labelled `team-a`.
pub fn new_integration(name: &str) -> NewIntegration {
    NewIntegration {
        name: IntegrationName::parse(name).expect("name"),
        description: None,
        labels: Labels::parse(&["team-a"]).expect("labels"),
        is_default: false,
        org: OrganizationUrl::parse("https://dev.azure.com/contoso", None).expect("organization url"),
        projects: None,
        pat: Some(PersonalAccessToken::parse(PAT).expect("pat")),
        oauth_app: None,
        app_identity: None,
        webhook_password: None,
        user_authorization_methods: None,
        versions: Default::default(),
    }
}

/// Inserts [`new_integration`] for `tenant`.
pub async fn insert_integration(
    db: &DatabaseConnection,
    keyring: &Keyring,
    tenant: &tenant::Model,
    name: &str,
) -> Result<integration::Model, sea_orm::DbErr> {
    let id = new_id();
    let password = WebhookPassword::parse(WEBHOOK_PASSWORD).expect("password");
    let new = new_integration(name);
    let row = integrations::Insert {
        id: &id,
        tenant_id: &tenant.id,
        integration: &new,
        oauth: None,
        app_identity: None,
        webhook_password: &password,
        stamps: integrations::Stamps {
            pat: Some(1),
            oauth_client_secret: Some(1),
            app_secret: Some(1),
            webhook_password: Some(1),
        },
        status: Status::Unverified,
        last_verification: None,
    };
    integrations::insert(db, keyring, row).await
}

pub async fn integration(db: &DatabaseConnection, keyring: &Keyring, tenant: &tenant::Model) -> integration::Model {
    insert_integration(db, keyring, tenant, "contoso").await.expect("integration")
}

/// A push envelope with `event_id`.
pub fn push(event_id: &str) -> Normalized {
    Normalized {
        event_id: event_id.to_owned(),
        event_type: "git.push".to_owned(),
        ref_name: Some("refs/heads/main".to_owned()),
        ..Normalized::default()
    }
}

/// Stores `n` for `integration` as processed.
pub async fn store_delivery(db: &DatabaseConnection, integration: &integration::Model, n: &Normalized) -> Stored {
    let item = NewDelivery {
        integration,
        normalized: n,
        payload: "{}",
        outcome: (deliveries::PROCESSED, "stored".to_owned()),
    };
    deliveries::insert_or_count(db, vec![item]).await.expect("insert").pop().expect("one outcome")
}

/// A new delivery of a push with `event_id`.
pub async fn delivery(
    db: &DatabaseConnection,
    integration: &integration::Model,
    event_id: &str,
) -> webhook_delivery::Model {
    match store_delivery(db, integration, &push(event_id)).await {
        Stored::New(model) => *model,
        Stored::Duplicate => panic!("{event_id} was already stored"),
    }
}

/// An automation of `integration` hearing pushes, signed with `secret`.
pub async fn automation(
    db: &DatabaseConnection,
    keyring: &Keyring,
    integration: &integration::Model,
    secret: &str,
) -> automation::Model {
    let parsed = NewAutomation::parse(AutomationFields {
        name: "pushes",
        event_types: &[EventKind::CodePushed],
        project: None,
        repository: Some("api-gateway"),
        branch: Some("release/*"),
        trigger_phrase: None,
        target_url: "https://hooks.example.com/vcslink",
        secret: Some(secret),
    })
    .expect("automation");
    let id = new_id();
    let secret = SecretString::from(secret);
    let row = automation_rows::Insert {
        id: &id,
        tenant_id: &integration.tenant_id,
        integration_id: &integration.id,
        automation: &parsed,
        secret: &secret,
        secret_version: 1,
    };
    automation_rows::insert(db, keyring, row).await.expect("automation")
}
