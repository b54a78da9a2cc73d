//! Automations per integration; the signing secret sealed under (`automations`, `secret_sealed`, id).

use chrono::Utc;
use entity::automation;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use secrecy::{ExposeSecret, SecretString};

use crate::crypto::{Aad, Keyring, SealError};
use crate::domain::automation::NewAutomation;

pub const TABLE: &str = "automations";
pub const SECRET: &str = "secret_sealed";

/// A new row: the parsed automation, its integration and its signing secret (sealed on write).
pub struct Insert<'a> {
    pub id: &'a str,
    pub tenant_id: &'a str,
    pub integration_id: &'a str,
    pub automation: &'a NewAutomation,
    pub secret: &'a SecretString,
    /// The secret's version (1 unless the input gave one).
    pub secret_version: i32,
}

pub async fn insert(db: &impl ConnectionTrait, keyring: &Keyring, n: Insert<'_>) -> Result<automation::Model, DbErr> {
    let sealed = keyring.seal_str(&Aad::new(TABLE, SECRET, n.id), n.secret.expose_secret());
    let now = Utc::now();
    let a = n.automation;
    let kinds: Vec<&str> = a.event_types.iter().map(|k| k.as_str()).collect();
    let row = automation::ActiveModel {
        id: Set(n.id.to_owned()),
        tenant_id: Set(n.tenant_id.to_owned()),
        integration_id: Set(n.integration_id.to_owned()),
        name: Set(a.name.clone()),
        event_types: Set(serde_json::to_string(&kinds).unwrap_or_else(|_| "[]".into())),
        project: Set(a.project.clone()),
        repository: Set(a.repository.clone()),
        branch: Set(a.branch.clone()),
        trigger_phrase: Set(a.trigger_phrase.clone()),
        target_url: Set(a.target_url.to_string()),
        secret_sealed: Set(Some(sealed)),
        created_at: Set(now),
        secret_version: Set(n.secret_version),
        secret_set_at: Set(Some(now)),
    };
    automation::Entity::insert(row).exec_with_returning(db).await
}

/// Replaces the automation's filters and target with `a`'s; reseals the secret when `a` has one
/// (`None` keeps the stored one), under `secret_version` (default: the next).
pub async fn update(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    current: automation::Model,
    a: &NewAutomation,
    secret_version: Option<i32>,
) -> Result<automation::Model, DbErr> {
    let kinds: Vec<&str> = a.event_types.iter().map(|k| k.as_str()).collect();
    let sealed = a.secret.as_ref().map(|s| keyring.seal_str(&Aad::new(TABLE, SECRET, &current.id), s.expose_secret()));
    let next_version = secret_version.unwrap_or(current.secret_version.saturating_add(1));
    let mut row = current.into_active_model();
    row.name = Set(a.name.clone());
    row.event_types = Set(serde_json::to_string(&kinds).unwrap_or_else(|_| "[]".into()));
    row.project = Set(a.project.clone());
    row.repository = Set(a.repository.clone());
    row.branch = Set(a.branch.clone());
    row.trigger_phrase = Set(a.trigger_phrase.clone());
    row.target_url = Set(a.target_url.to_string());
    if let Some(sealed) = sealed {
        row.secret_sealed = Set(Some(sealed));
        row.secret_version = Set(next_version);
        row.secret_set_at = Set(Some(Utc::now()));
    }
    row.update(db).await
}

/// The integration's automations, oldest first.
pub async fn list(db: &impl ConnectionTrait, integration_id: &str) -> Result<Vec<automation::Model>, DbErr> {
    automation::Entity::find()
        .filter(automation::Column::IntegrationId.eq(integration_id))
        .order_by_asc(automation::Column::Id)
        .all(db)
        .await
}

/// The automations of several of the tenant's integrations in one query, oldest first (as [`list`]).
pub async fn list_for_integrations(
    db: &impl ConnectionTrait,
    tenant_id: &str,
    integration_ids: &[&str],
) -> Result<Vec<automation::Model>, DbErr> {
    automation::Entity::find()
        .filter(automation::Column::TenantId.eq(tenant_id))
        .filter(automation::Column::IntegrationId.is_in(integration_ids.iter().copied()))
        .order_by_asc(automation::Column::Id)
        .all(db)
        .await
}

pub async fn get(db: &impl ConnectionTrait, tenant_id: &str, id: &str) -> Result<Option<automation::Model>, DbErr> {
    automation::Entity::find_by_id(id.to_owned()).filter(automation::Column::TenantId.eq(tenant_id)).one(db).await
}

pub async fn delete(db: &impl ConnectionTrait, tenant_id: &str, id: &str) -> Result<bool, DbErr> {
    let res = automation::Entity::delete_many()
        .filter(automation::Column::TenantId.eq(tenant_id))
        .filter(automation::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

pub fn event_types(m: &automation::Model) -> Vec<String> {
    serde_json::from_str(&m.event_types).unwrap_or_default()
}

pub fn open_secret(keyring: &Keyring, m: &automation::Model) -> Result<Option<SecretString>, SealError> {
    m.secret_sealed.as_deref().map(|b| keyring.open_string(&Aad::new(TABLE, SECRET, &m.id), b)).transpose()
}
