//! Automations per integration; the signing secret sealed under (`automations`, `secret_sealed`, id).

use chrono::Utc;
use entity::automation;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use secrecy::{ExposeSecret, SecretString};

use crate::crypto::{Aad, Keyring, SealError};

pub const TABLE: &str = "automations";
pub const SECRET: &str = "secret_sealed";

/// A new automation, secret in the clear until sealed here.
pub struct NewAutomation {
    pub id: String,
    pub tenant_id: String,
    pub integration_id: String,
    pub name: String,
    pub event_types: Vec<String>,
    pub project: Option<String>,
    pub repository: Option<String>,
    pub branch: Option<String>,
    pub trigger_phrase: Option<String>,
    pub target_url: String,
    pub secret: SecretString,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    n: NewAutomation,
) -> Result<automation::Model, DbErr> {
    let sealed = keyring.seal_str(&Aad::new(TABLE, SECRET, &n.id), n.secret.expose_secret());
    let row = automation::ActiveModel {
        id: Set(n.id),
        tenant_id: Set(n.tenant_id),
        integration_id: Set(n.integration_id),
        name: Set(n.name),
        event_types: Set(serde_json::to_string(&n.event_types).unwrap_or_else(|_| "[]".into())),
        project: Set(n.project),
        repository: Set(n.repository),
        branch: Set(n.branch),
        trigger_phrase: Set(n.trigger_phrase),
        target_url: Set(n.target_url),
        secret_sealed: Set(Some(sealed)),
        created_at: Set(Utc::now()),
    };
    automation::Entity::insert(row).exec_with_returning(db).await
}

/// The integration's automations, oldest first.
pub async fn list(db: &impl ConnectionTrait, integration_id: &str) -> Result<Vec<automation::Model>, DbErr> {
    automation::Entity::find()
        .filter(automation::Column::IntegrationId.eq(integration_id))
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
