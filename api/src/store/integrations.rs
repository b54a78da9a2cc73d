//! Integration rows: every secret column sealed under an AAD naming table, column and row id.

use chrono::{DateTime, Utc};
use entity::{integration, integration_tombstone};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use secrecy::{ExposeSecret, SecretString};

use crate::crypto::{Aad, Keyring, SealError};
use crate::domain::app_identity::{AppIdentity, Proof};
use crate::domain::integration::{IntegrationChanges, NewIntegration, Status};
use crate::domain::user_authorization_methods::UserAuthorizationMethods;
use crate::domain::{OAuthApp, PersonalAccessToken, WebhookPassword};

pub const TABLE: &str = "integrations";
pub const PAT: &str = "pat_sealed";
pub const CLIENT_SECRET: &str = "oauth_client_secret_sealed";
pub const WEBHOOK_PASSWORD: &str = "webhook_password_sealed";
pub const APP_SECRET: &str = "app_secret_sealed";

/// An app identity with its tenant settled (the organization's resource tenant unless given).
#[derive(Clone, Copy)]
pub struct SettledAppIdentity<'a> {
    pub identity: &'a AppIdentity,
    pub tenant_id: &'a str,
}

/// The version each secret is written under; `None` keeps the stored secret's version and
/// `setAt` (the input repeated it). A create writes every secret it has.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stamps {
    pub pat: Option<i32>,
    pub oauth_client_secret: Option<i32>,
    pub app_secret: Option<i32>,
    pub webhook_password: Option<i32>,
}

/// A new row: the parsed integration and what the lifecycle decided around it.
pub struct Insert<'a> {
    pub id: &'a str,
    pub tenant_id: &'a str,
    pub integration: &'a NewIntegration,
    /// The OAuth app, settled (its tenant discovered when the input named none).
    pub oauth: Option<&'a OAuthApp>,
    pub app_identity: Option<SettledAppIdentity<'a>>,
    pub webhook_password: &'a WebhookPassword,
    pub stamps: Stamps,
    pub status: Status,
    /// The verification outcome as stored JSON, when one ran.
    pub last_verification: Option<String>,
}

/// An update: the parsed changes, the settled OAuth app when it changes, the verification.
pub struct Update<'a> {
    pub changes: &'a IntegrationChanges,
    /// `Some(None)` removes the OAuth app, `Some(Some(_))` replaces it.
    pub oauth: Option<Option<&'a OAuthApp>>,
    /// `Some(None)` removes the app identity, `Some(Some(_))` replaces it.
    pub app_identity: Option<Option<SettledAppIdentity<'a>>>,
    /// `Some(v)` sets `acting_credential` to `v`.
    pub acting_credential: Option<Option<&'a str>>,
    /// The new status and stored verification JSON, when one ran.
    pub verification: Option<(Status, String)>,
    pub stamps: Stamps,
}

/// The `status` column's value.
pub fn status_column(status: Status) -> &'static str {
    match status {
        Status::Unverified => "UNVERIFIED",
        Status::Healthy => "HEALTHY",
        Status::Failing => "FAILING",
    }
}

/// The row's status (an unknown value reads as never verified).
pub fn status(m: &integration::Model) -> Status {
    match m.status.as_str() {
        "HEALTHY" => Status::Healthy,
        "FAILING" => Status::Failing,
        _ => Status::Unverified,
    }
}

fn seal(keyring: &Keyring, column: &'static str, id: &str, secret: &SecretString) -> Vec<u8> {
    keyring.seal_str(&Aad::new(TABLE, column, id), secret.expose_secret())
}

fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned())
}

pub async fn insert(db: &impl ConnectionTrait, keyring: &Keyring, n: Insert<'_>) -> Result<integration::Model, DbErr> {
    let now = Utc::now();
    let i = n.integration;
    let mut row = integration::ActiveModel {
        id: Set(n.id.to_owned()),
        tenant_id: Set(n.tenant_id.to_owned()),
        name_key: Set(i.name.as_str().to_lowercase()),
        name: Set(i.name.as_str().to_owned()),
        description: Set(i.description.as_ref().map(|d| d.as_str().to_owned())),
        labels: Set(json_list(i.labels.as_slice())),
        is_default: Set(i.is_default),
        flavor: Set(i.org.flavor().as_str().to_owned()),
        organization_url: Set(i.org.as_str().to_owned()),
        organization: Set(i.org.organization().to_owned()),
        accessible_projects: Set(i.projects.as_ref().map(|p| json_list(p.as_slice()))),
        user_authorization_methods: Set(i.user_authorization_methods.map(UserAuthorizationMethods::column)),
        webhook_password_sealed: Set(Vec::new()),
        webhook_password_set_at: Set(now),
        last_delivery_at: Set(None),
        status: Set(status_column(n.status).to_owned()),
        last_verification: Set(n.last_verification),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let stamps = n.stamps;
    set_pat(&mut row, keyring, n.id, i.pat.as_ref(), stamped(now, stamps.pat));
    set_oauth(&mut row, keyring, n.id, n.oauth, stamped(now, stamps.oauth_client_secret));
    set_app_identity(&mut row, keyring, n.id, n.app_identity, stamped(now, stamps.app_secret));
    set_webhook_password(&mut row, keyring, n.id, n.webhook_password, stamped(now, stamps.webhook_password));
    integration::Entity::insert(row).exec_with_returning(db).await
}

/// Applies `u` to the row (every changed column, secrets sealed) and saves it.
pub async fn update(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    current: integration::Model,
    u: Update<'_>,
) -> Result<integration::Model, DbErr> {
    let id = current.id.clone();
    let now = Utc::now();
    let c = u.changes;
    let mut row = current.into_active_model();
    if let Some(n) = &c.name {
        row.name = Set(n.as_str().to_owned());
        row.name_key = Set(n.as_str().to_lowercase());
    }
    if let Some(d) = c.description.clone().into_change() {
        row.description = Set(d.map(|d| d.as_str().to_owned()));
    }
    if let Some(l) = &c.labels {
        row.labels = Set(json_list(l.as_slice()));
    }
    if let Some(d) = c.is_default {
        row.is_default = Set(d);
    }
    if let Some(p) = c.projects.clone().into_change() {
        row.accessible_projects = Set(p.map(|p| json_list(p.as_slice())));
    }
    if let Some(methods) = c.user_authorization_methods.clone().into_change() {
        row.user_authorization_methods = Set(methods.map(UserAuthorizationMethods::column));
    }
    let stamps = u.stamps;
    if let Some(pat) = c.pat.clone().into_change() {
        set_pat(&mut row, keyring, &id, pat.as_ref(), stamped(now, stamps.pat));
    }
    if let Some(app) = u.oauth {
        set_oauth(&mut row, keyring, &id, app, stamped(now, stamps.oauth_client_secret));
    }
    if let Some(identity) = u.app_identity {
        set_app_identity(&mut row, keyring, &id, identity, stamped(now, stamps.app_secret));
    }
    if let Some(acting) = u.acting_credential {
        row.acting_credential = Set(acting.map(str::to_owned));
    }
    if let Some(pw) = &c.webhook_password {
        set_webhook_password(&mut row, keyring, &id, pw, stamped(now, stamps.webhook_password));
    }
    if let Some((status, json)) = u.verification {
        row.status = Set(status_column(status).to_owned());
        row.last_verification = Set(Some(json));
    }
    save(db, row).await
}

/// Sets (or with `None` clears) the PAT columns of a row being written.
fn set_pat(
    row: &mut integration::ActiveModel,
    keyring: &Keyring,
    id: &str,
    pat: Option<&PersonalAccessToken>,
    stamp: Option<Stamp>,
) {
    row.pat_sealed = Set(pat.map(|t| seal(keyring, PAT, id, t.secret())));
    row.pat_hint = Set(pat.map(PersonalAccessToken::hint));
    row.pat_expires_at = Set(None);
    if let Some(Stamp { version, at }) = stamp {
        row.pat_set_at = Set(pat.map(|_| at));
        row.pat_version = Set(version);
    }
}

/// When a secret was written and its version; `None` leaves both as stored.
#[derive(Clone, Copy)]
struct Stamp {
    version: i32,
    at: DateTime<Utc>,
}

fn stamped(now: DateTime<Utc>, version: Option<i32>) -> Option<Stamp> {
    version.map(|version| Stamp { version, at: now })
}

/// Sets (or with `None` clears) the OAuth app columns of a row being written.
fn set_oauth(
    row: &mut integration::ActiveModel,
    keyring: &Keyring,
    id: &str,
    app: Option<&OAuthApp>,
    stamp: Option<Stamp>,
) {
    row.oauth_tenant_id = Set(app.map(|a| a.tenant_id().to_owned()));
    row.oauth_issuer_url = Set(app.map(|a| a.issuer_url().to_string()));
    row.oauth_authorization_url = Set(app.map(|a| a.authorization_url().to_string()));
    row.oauth_token_url = Set(app.map(|a| a.token_url().to_string()));
    row.oauth_client_id = Set(app.map(|a| a.client_id().to_owned()));
    row.oauth_client_secret_sealed = Set(app.map(|a| seal(keyring, CLIENT_SECRET, id, a.client_secret())));
    row.oauth_client_secret_hint = Set(app.map(OAuthApp::client_secret_hint));
    if let Some(Stamp { version, at }) = stamp {
        row.oauth_client_secret_set_at = Set(app.map(|_| at));
        row.oauth_client_secret_version = Set(version);
    }
    row.oauth_scopes = Set(app.map(|a| json_list(a.scopes())));
}

/// Sets (or with `None` clears) the app identity columns of a row being written.
fn set_app_identity(
    row: &mut integration::ActiveModel,
    keyring: &Keyring,
    id: &str,
    settled: Option<SettledAppIdentity<'_>>,
    stamp: Option<Stamp>,
) {
    let proof = settled.map(|s| &s.identity.proof);
    let (secret, hint) = match proof {
        Some(Proof::ClientSecret(secret)) => (Some(secret.secret()), Some(secret.hint())),
        Some(Proof::Certificate(c)) => (Some(c.private_key_pem()), None),
        Some(Proof::ManagedIdentity | Proof::Federated) | None => (None, None),
    };
    let certificate = match proof {
        Some(Proof::Certificate(c)) => Some(c),
        _ => None,
    };
    row.app_tenant_id = Set(settled.map(|s| s.tenant_id.to_owned()));
    row.app_client_id = Set(settled.map(|s| s.identity.client_id.as_str().to_owned()));
    row.app_proof = Set(proof.map(|p| p.kind().to_owned()));
    row.app_secret_sealed = Set(secret.map(|s| seal(keyring, APP_SECRET, id, s)));
    row.app_secret_hint = Set(hint);
    if let Some(Stamp { version, at }) = stamp {
        row.app_secret_set_at = Set(settled.map(|_| at));
        row.app_secret_version = Set(version);
    }
    row.app_certificate_pem = Set(certificate.map(|c| c.certificate_pem().to_owned()));
    row.app_certificate_thumbprint = Set(certificate.map(|c| c.thumbprint().to_owned()));
    row.app_certificate_expires_at = Set(certificate.map(|c| c.not_after()));
}

/// Seals a new webhook password into the row, under `version`, and saves it.
pub async fn replace_webhook_password(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    current: integration::Model,
    pw: &WebhookPassword,
    version: i32,
) -> Result<integration::Model, DbErr> {
    let id = current.id.clone();
    let mut row = current.into_active_model();
    set_webhook_password(&mut row, keyring, &id, pw, stamped(Utc::now(), Some(version)));
    save(db, row).await
}

/// Seals a new webhook password into a row being written.
fn set_webhook_password(
    row: &mut integration::ActiveModel,
    keyring: &Keyring,
    id: &str,
    pw: &WebhookPassword,
    stamp: Option<Stamp>,
) {
    row.webhook_password_sealed = Set(seal(keyring, WEBHOOK_PASSWORD, id, pw.secret()));
    if let Some(Stamp { version, at }) = stamp {
        row.webhook_password_set_at = Set(at);
        row.webhook_password_version = Set(version);
    }
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

/// The tenant's integration named `name`, compared as names are kept unique (case-insensitively).
pub async fn by_name(
    db: &impl ConnectionTrait,
    tenant_id: &str,
    name: &str,
) -> Result<Option<integration::Model>, DbErr> {
    integration::Entity::find()
        .filter(integration::Column::TenantId.eq(tenant_id))
        .filter(integration::Column::NameKey.eq(name.to_lowercase()))
        .one(db)
        .await
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
    status: Status,
    verification_json: String,
) -> Result<integration::Model, DbErr> {
    let mut row = model.into_active_model();
    row.status = Set(status_column(status).to_owned());
    row.last_verification = Set(Some(verification_json));
    save(db, row).await
}

/// Which own credential acts: `PAT`, `APP_IDENTITY`, or `None` (the app identity when there is one).
pub const ACTING_PAT: &str = "PAT";
pub const ACTING_APP_IDENTITY: &str = "APP_IDENTITY";

/// Sets which own credential acts, with the verification that allowed it.
pub async fn set_acting_credential(
    db: &impl ConnectionTrait,
    model: integration::Model,
    acting: &str,
    status: Status,
    verification_json: String,
) -> Result<integration::Model, DbErr> {
    let mut row = model.into_active_model();
    row.acting_credential = Set(Some(acting.to_owned()));
    row.status = Set(status_column(status).to_owned());
    row.last_verification = Set(Some(verification_json));
    save(db, row).await
}

/// Deletes the row and every secret in it, leaving a tombstone so webhooks can answer 410 to a
/// sender that knows one of the passwords whose keyed fingerprints it keeps.
pub async fn delete(
    db: &impl ConnectionTrait,
    tenant_id: &str,
    id: &str,
    webhook_password_fingerprints: &[String],
) -> Result<bool, DbErr> {
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
        webhook_password_fingerprints: Set(Some(webhook_password_fingerprints.join(","))),
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

/// The app identity's client secret, when it proves itself with one.
pub fn open_app_secret(keyring: &Keyring, m: &integration::Model) -> Result<Option<SecretString>, SealError> {
    m.app_secret_sealed.as_deref().map(|b| keyring.open_string(&Aad::new(TABLE, APP_SECRET, &m.id), b)).transpose()
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

/// How users may connect to the integration now: the admin's choice (default: every way it can
/// offer), never OAuth without an OAuth app.
pub fn user_authorization_methods(m: &integration::Model) -> UserAuthorizationMethods {
    UserAuthorizationMethods::effective(m.user_authorization_methods.as_deref(), m.oauth_client_id.is_some())
}

pub fn oauth_scopes(m: &integration::Model) -> Vec<String> {
    m.oauth_scopes.as_deref().and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default()
}
