//! Users' own Azure DevOps authorizations, one row per (tenant, user, integration).
//!
//! Token writes bump `version`; a refresh writes only when the version it read is still current
//! (compare-and-swap), so across replicas an older refresh token never overwrites a newer one.

use chrono::{DateTime, Utc};
use entity::user_authorization::{self as ua, Model};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use secrecy::{ExposeSecret, SecretString};

use super::new_id;
use crate::crypto::{Aad, Keyring, SealError};
use crate::domain::entra_account::EntraAccount;

pub const TABLE: &str = "user_authorizations";
pub const ACCESS_TOKEN: &str = "access_token_sealed";
pub const REFRESH_TOKEN: &str = "refresh_token_sealed";
pub const PAT: &str = "pat_sealed";

pub const METHOD_OAUTH: &str = "OAUTH";
pub const METHOD_PAT: &str = "PERSONAL_ACCESS_TOKEN";
pub const STATUS_ACTIVE: &str = "ACTIVE";
pub const STATUS_EXPIRED: &str = "EXPIRED";

/// The owner of an authorization.
#[derive(Clone, Copy, Debug)]
pub struct Owner<'a> {
    pub tenant_id: &'a str,
    pub user_id: &'a str,
    pub integration_id: &'a str,
}

/// The secret part of an authorization, in the clear until sealed.
pub enum Secrets<'a> {
    OAuth {
        access: &'a SecretString,
        refresh: Option<&'a SecretString>,
        expires_at: DateTime<Utc>,
        /// The Entra account of the sign-in's checked ID token.
        account: Option<&'a EntraAccount>,
    },
    Pat(&'a SecretString),
}

fn seal(keyring: &Keyring, column: &'static str, id: &str, secret: &SecretString) -> Vec<u8> {
    keyring.seal_str(&Aad::new(TABLE, column, id), secret.expose_secret())
}

pub async fn get(db: &impl ConnectionTrait, owner: Owner<'_>) -> Result<Option<Model>, DbErr> {
    ua::Entity::find()
        .filter(ua::Column::TenantId.eq(owner.tenant_id))
        .filter(ua::Column::UserId.eq(owner.user_id))
        .filter(ua::Column::IntegrationId.eq(owner.integration_id))
        .one(db)
        .await
}

/// One user's authorizations for several of the tenant's integrations, in one query (at most one
/// row per integration: the owner is unique).
pub async fn for_integrations(
    db: &impl ConnectionTrait,
    tenant_id: &str,
    user_id: &str,
    integration_ids: &[&str],
) -> Result<Vec<Model>, DbErr> {
    ua::Entity::find()
        .filter(ua::Column::TenantId.eq(tenant_id))
        .filter(ua::Column::UserId.eq(user_id))
        .filter(ua::Column::IntegrationId.is_in(integration_ids.iter().copied()))
        .all(db)
        .await
}

/// Stores (replacing any previous one) the owner's authorization.
pub async fn put(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    owner: Owner<'_>,
    secrets: Secrets<'_>,
    scopes: &[String],
    authenticated_as: &str,
) -> Result<Model, DbErr> {
    let now = Utc::now();
    let existing = get(db, owner).await?;
    let id = existing.as_ref().map(|m| m.id.clone()).unwrap_or_else(new_id);
    let version = existing.as_ref().map(|m| m.version + 1).unwrap_or(1);
    let mut row = ua::ActiveModel {
        id: Set(id.clone()),
        tenant_id: Set(owner.tenant_id.to_owned()),
        user_id: Set(owner.user_id.to_owned()),
        integration_id: Set(owner.integration_id.to_owned()),
        method: Set(String::new()),
        status: Set(STATUS_ACTIVE.to_owned()),
        access_token_sealed: Set(None),
        refresh_token_sealed: Set(None),
        pat_sealed: Set(None),
        expires_at: Set(None),
        scopes: Set(serde_json::to_string(scopes).unwrap_or_else(|_| "[]".to_owned())),
        authenticated_as: Set(authenticated_as.to_owned()),
        account_object_id: Set(None),
        account_tenant_id: Set(None),
        version: Set(version),
        created_at: Set(existing.as_ref().map(|m| m.created_at).unwrap_or(now)),
        updated_at: Set(now),
    };
    match secrets {
        Secrets::OAuth { access, refresh, expires_at, account } => {
            row.method = Set(METHOD_OAUTH.to_owned());
            row.account_object_id = Set(account.map(|a| a.object_id.clone()));
            row.account_tenant_id = Set(account.map(|a| a.tenant_id.clone()));
            row.access_token_sealed = Set(Some(seal(keyring, ACCESS_TOKEN, &id, access)));
            row.refresh_token_sealed = Set(refresh.map(|r| seal(keyring, REFRESH_TOKEN, &id, r)));
            row.expires_at = Set(Some(expires_at));
        }
        Secrets::Pat(pat) => {
            row.method = Set(METHOD_PAT.to_owned());
            row.pat_sealed = Set(Some(seal(keyring, PAT, &id, pat)));
        }
    }
    if existing.is_some() {
        ua::Entity::update(row).exec(db).await
    } else {
        ua::Entity::insert(row).exec_with_returning(db).await
    }
}

/// Writes refreshed tokens when the row is still at `seen_version`; false when another
/// request or replica refreshed first (the caller then rereads the row).
pub async fn swap_tokens(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    seen: &Model,
    access: &SecretString,
    refresh: Option<&SecretString>,
    expires_at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let access_blob = seal(keyring, ACCESS_TOKEN, &seen.id, access);
    let mut update = ua::Entity::update_many()
        .col_expr(ua::Column::AccessTokenSealed, Expr::value(Some(access_blob)))
        .col_expr(ua::Column::ExpiresAt, Expr::value(Some(expires_at)))
        .col_expr(ua::Column::Version, Expr::value(seen.version + 1))
        .col_expr(ua::Column::UpdatedAt, Expr::value(Utc::now()));
    if let Some(refresh) = refresh {
        let refresh_blob = seal(keyring, REFRESH_TOKEN, &seen.id, refresh);
        update = update.col_expr(ua::Column::RefreshTokenSealed, Expr::value(Some(refresh_blob)));
    }
    let result =
        update.filter(ua::Column::Id.eq(&seen.id)).filter(ua::Column::Version.eq(seen.version)).exec(db).await?;
    Ok(result.rows_affected == 1)
}

/// Marks the authorization expired (refresh refused), unless it changed since `seen`.
pub async fn mark_expired(db: &impl ConnectionTrait, seen: &Model) -> Result<bool, DbErr> {
    let result = ua::Entity::update_many()
        .col_expr(ua::Column::Status, Expr::value(STATUS_EXPIRED))
        .col_expr(ua::Column::Version, Expr::value(seen.version + 1))
        .col_expr(ua::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(ua::Column::Id.eq(&seen.id))
        .filter(ua::Column::Version.eq(seen.version))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Expires every authorization of the integration made with `method` (`METHOD_OAUTH` or
/// `METHOD_PAT`), dropping its secrets: their owners connect again. Returns how many.
pub async fn expire_by_method(db: &impl ConnectionTrait, integration_id: &str, method: &str) -> Result<u64, DbErr> {
    let result = ua::Entity::update_many()
        .col_expr(ua::Column::Status, Expr::value(STATUS_EXPIRED))
        .col_expr(ua::Column::AccessTokenSealed, Expr::value(Option::<Vec<u8>>::None))
        .col_expr(ua::Column::RefreshTokenSealed, Expr::value(Option::<Vec<u8>>::None))
        .col_expr(ua::Column::PatSealed, Expr::value(Option::<Vec<u8>>::None))
        .col_expr(ua::Column::Version, Expr::col(ua::Column::Version).add(1))
        .col_expr(ua::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(ua::Column::IntegrationId.eq(integration_id))
        .filter(ua::Column::Method.eq(method))
        .filter(ua::Column::Status.eq(STATUS_ACTIVE))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Deletes the owner's authorization; true when there was one.
pub async fn delete(db: &impl ConnectionTrait, owner: Owner<'_>) -> Result<bool, DbErr> {
    let result = ua::Entity::delete_many()
        .filter(ua::Column::TenantId.eq(owner.tenant_id))
        .filter(ua::Column::UserId.eq(owner.user_id))
        .filter(ua::Column::IntegrationId.eq(owner.integration_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

pub fn open_access_token(keyring: &Keyring, m: &Model) -> Result<Option<SecretString>, SealError> {
    open(keyring, m, ACCESS_TOKEN, m.access_token_sealed.as_deref())
}

pub fn open_refresh_token(keyring: &Keyring, m: &Model) -> Result<Option<SecretString>, SealError> {
    open(keyring, m, REFRESH_TOKEN, m.refresh_token_sealed.as_deref())
}

pub fn open_pat(keyring: &Keyring, m: &Model) -> Result<Option<SecretString>, SealError> {
    open(keyring, m, PAT, m.pat_sealed.as_deref())
}

fn open(
    keyring: &Keyring,
    m: &Model,
    column: &'static str,
    blob: Option<&[u8]>,
) -> Result<Option<SecretString>, SealError> {
    blob.map(|b| keyring.open_string(&Aad::new(TABLE, column, m.id.clone()), b)).transpose()
}

pub fn scopes(m: &Model) -> Vec<String> {
    serde_json::from_str(&m.scopes).unwrap_or_default()
}
