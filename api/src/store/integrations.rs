//! Integration rows: every secret column sealed under an AAD naming table, column and row id.

use chrono::{DateTime, Utc};
use entity::{integration, integration_tombstone};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use secrecy::{ExposeSecret, SecretString};

use crate::crypto::{Aad, Keyring, SealError};

pub const TABLE: &str = "integrations";
pub const PAT: &str = "pat_sealed";
pub const CLIENT_SECRET: &str = "oauth_client_secret_sealed";
pub const WEBHOOK_PASSWORD: &str = "webhook_password_sealed";

/// The OAuth app columns, with the client secret still in the clear (sealed on write).
pub struct OAuthAppRow {
    pub tenant_id: String,
    pub issuer_url: String,
    pub authorization_url: String,
    pub token_url: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub client_secret_hint: String,
    pub scopes: Vec<String>,
}

/// Everything a new integration row holds; secrets in the clear until `insert` seals them.
pub struct NewIntegration {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub description: Option<String>,
    pub labels: Vec<String>,
    pub is_default: bool,
    pub flavor: String,
    pub organization_url: String,
    pub organization: String,
    pub accessible_projects: Option<Vec<String>>,
    pub pat: Option<(SecretString, String)>,
    pub oauth: Option<OAuthAppRow>,
    pub webhook_password: SecretString,
    pub status: String,
    pub last_verification: Option<String>,
}

fn seal(keyring: &Keyring, column: &'static str, id: &str, secret: &SecretString) -> Vec<u8> {
    keyring.seal_str(&Aad::new(TABLE, column, id), secret.expose_secret())
}

fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned())
}

pub async fn insert(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    n: NewIntegration,
) -> Result<integration::Model, DbErr> {
    let now = Utc::now();
    let mut row = integration::ActiveModel {
        id: Set(n.id.clone()),
        tenant_id: Set(n.tenant_id),
        name_key: Set(n.name.to_lowercase()),
        name: Set(n.name),
        description: Set(n.description),
        labels: Set(json_list(&n.labels)),
        is_default: Set(n.is_default),
        flavor: Set(n.flavor),
        organization_url: Set(n.organization_url),
        organization: Set(n.organization),
        accessible_projects: Set(n.accessible_projects.as_deref().map(json_list)),
        pat_sealed: Set(None),
        pat_hint: Set(None),
        pat_set_at: Set(None),
        pat_expires_at: Set(None),
        oauth_tenant_id: Set(None),
        oauth_issuer_url: Set(None),
        oauth_authorization_url: Set(None),
        oauth_token_url: Set(None),
        oauth_client_id: Set(None),
        oauth_client_secret_sealed: Set(None),
        oauth_client_secret_hint: Set(None),
        oauth_client_secret_set_at: Set(None),
        oauth_scopes: Set(None),
        webhook_password_sealed: Set(seal(keyring, WEBHOOK_PASSWORD, &n.id, &n.webhook_password)),
        webhook_password_set_at: Set(now),
        last_delivery_at: Set(None),
        status: Set(n.status),
        last_verification: Set(n.last_verification),
        created_at: Set(now),
        updated_at: Set(now),
    };
    if let Some((pat, hint)) = &n.pat {
        set_pat(&mut row, keyring, &n.id, Some((pat, hint)), now);
    }
    if let Some(app) = &n.oauth {
        set_oauth(&mut row, keyring, &n.id, Some(app), now);
    }
    integration::Entity::insert(row).exec_with_returning(db).await
}

/// Sets (or with `None` clears) the PAT columns of a row being written.
pub fn set_pat(
    row: &mut integration::ActiveModel,
    keyring: &Keyring,
    id: &str,
    pat: Option<(&SecretString, &String)>,
    now: DateTime<Utc>,
) {
    match pat {
        Some((pat, hint)) => {
            row.pat_sealed = Set(Some(seal(keyring, PAT, id, pat)));
            row.pat_hint = Set(Some(hint.clone()));
            row.pat_set_at = Set(Some(now));
        }
        None => {
            row.pat_sealed = Set(None);
            row.pat_hint = Set(None);
            row.pat_set_at = Set(None);
        }
    }
    row.pat_expires_at = Set(None);
}

/// Sets (or with `None` clears) the OAuth app columns of a row being written.
pub fn set_oauth(
    row: &mut integration::ActiveModel,
    keyring: &Keyring,
    id: &str,
    app: Option<&OAuthAppRow>,
    now: DateTime<Utc>,
) {
    let Some(app) = app else {
        row.oauth_tenant_id = Set(None);
        row.oauth_issuer_url = Set(None);
        row.oauth_authorization_url = Set(None);
        row.oauth_token_url = Set(None);
        row.oauth_client_id = Set(None);
        row.oauth_client_secret_sealed = Set(None);
        row.oauth_client_secret_hint = Set(None);
        row.oauth_client_secret_set_at = Set(None);
        row.oauth_scopes = Set(None);
        return;
    };
    row.oauth_tenant_id = Set(Some(app.tenant_id.clone()));
    row.oauth_issuer_url = Set(Some(app.issuer_url.clone()));
    row.oauth_authorization_url = Set(Some(app.authorization_url.clone()));
    row.oauth_token_url = Set(Some(app.token_url.clone()));
    row.oauth_client_id = Set(Some(app.client_id.clone()));
    row.oauth_client_secret_sealed = Set(Some(seal(keyring, CLIENT_SECRET, id, &app.client_secret)));
    row.oauth_client_secret_hint = Set(Some(app.client_secret_hint.clone()));
    row.oauth_client_secret_set_at = Set(Some(now));
    row.oauth_scopes = Set(Some(json_list(&app.scopes)));
}

pub fn set_webhook_password(row: &mut integration::ActiveModel, keyring: &Keyring, id: &str, pw: &SecretString) {
    row.webhook_password_sealed = Set(seal(keyring, WEBHOOK_PASSWORD, id, pw));
    row.webhook_password_set_at = Set(Utc::now());
}

/// The tenant's integration `id`; another tenant's does not exist.
pub async fn get(db: &impl ConnectionTrait, tenant_id: &str, id: &str) -> Result<Option<integration::Model>, DbErr> {
    integration::Entity::find_by_id(id.to_owned()).filter(integration::Column::TenantId.eq(tenant_id)).one(db).await
}

/// Every integration of the tenant, oldest first (ids are time-ordered).
pub async fn list(db: &impl ConnectionTrait, tenant_id: &str) -> Result<Vec<integration::Model>, DbErr> {
    integration::Entity::find()
        .filter(integration::Column::TenantId.eq(tenant_id))
        .order_by_asc(integration::Column::Id)
        .all(db)
        .await
}

pub async fn name_taken(
    db: &impl ConnectionTrait,
    tenant_id: &str,
    name: &str,
    except_id: Option<&str>,
) -> Result<bool, DbErr> {
    let mut q = integration::Entity::find()
        .filter(integration::Column::TenantId.eq(tenant_id))
        .filter(integration::Column::NameKey.eq(name.to_lowercase()));
    if let Some(id) = except_id {
        q = q.filter(integration::Column::Id.ne(id));
    }
    Ok(q.one(db).await?.is_some())
}

/// Clears `isDefault` on every other integration of the tenant (it is exclusive).
pub async fn clear_default(db: &impl ConnectionTrait, tenant_id: &str, except_id: &str) -> Result<(), DbErr> {
    integration::Entity::update_many()
        .col_expr(integration::Column::IsDefault, sea_orm::sea_query::Expr::value(false))
        .filter(integration::Column::TenantId.eq(tenant_id))
        .filter(integration::Column::Id.ne(except_id))
        .filter(integration::Column::IsDefault.eq(true))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn save(db: &impl ConnectionTrait, mut row: integration::ActiveModel) -> Result<integration::Model, DbErr> {
    row.updated_at = Set(Utc::now());
    row.update(db).await
}

/// Stores a verification outcome.
pub async fn set_verification(
    db: &impl ConnectionTrait,
    model: integration::Model,
    status: &str,
    verification_json: String,
) -> Result<integration::Model, DbErr> {
    let mut row = model.into_active_model();
    row.status = Set(status.to_owned());
    row.last_verification = Set(Some(verification_json));
    save(db, row).await
}

/// Deletes the row and every secret in it, leaving a tombstone so webhooks can answer 410.
pub async fn delete(db: &impl ConnectionTrait, tenant_id: &str, id: &str) -> Result<bool, DbErr> {
    let res = integration::Entity::delete_many()
        .filter(integration::Column::TenantId.eq(tenant_id))
        .filter(integration::Column::Id.eq(id))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(false);
    }
    let tomb = integration_tombstone::ActiveModel {
        id: Set(id.to_owned()),
        tenant_id: Set(tenant_id.to_owned()),
        unlinked_at: Set(Utc::now()),
    };
    integration_tombstone::Entity::insert(tomb).exec_without_returning(db).await?;
    Ok(true)
}

pub fn open_pat(keyring: &Keyring, m: &integration::Model) -> Result<Option<SecretString>, SealError> {
    m.pat_sealed.as_deref().map(|b| keyring.open_string(&Aad::new(TABLE, PAT, &m.id), b)).transpose()
}

pub fn open_client_secret(keyring: &Keyring, m: &integration::Model) -> Result<Option<SecretString>, SealError> {
    m.oauth_client_secret_sealed
        .as_deref()
        .map(|b| keyring.open_string(&Aad::new(TABLE, CLIENT_SECRET, &m.id), b))
        .transpose()
}

pub fn open_webhook_password(keyring: &Keyring, m: &integration::Model) -> Result<SecretString, SealError> {
    keyring.open_string(&Aad::new(TABLE, WEBHOOK_PASSWORD, &m.id), &m.webhook_password_sealed)
}

pub fn labels(m: &integration::Model) -> Vec<String> {
    serde_json::from_str(&m.labels).unwrap_or_default()
}

pub fn accessible_projects(m: &integration::Model) -> Option<Vec<String>> {
    m.accessible_projects.as_deref().and_then(|s| serde_json::from_str(s).ok())
}

pub fn oauth_scopes(m: &integration::Model) -> Vec<String> {
    m.oauth_scopes.as_deref().and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default()
}
