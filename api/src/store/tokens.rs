//! API token rows: insert, look up candidates by lookup key, list, revoke, note use. Hashing lives in `auth`.

use chrono::{DateTime, Utc};
use entity::api_token;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::pagination::{ListOrder, Page, PageRequest, keyset};

pub struct NewToken<'a> {
    pub id: String,
    pub tenant_id: &'a str,
    pub user_id: &'a str,
    pub name: Option<String>,
    pub role: &'a str,
    pub lookup_key: String,
    pub hash: String,
    /// `None`: the token never expires.
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn insert(db: &impl ConnectionTrait, t: NewToken<'_>) -> Result<api_token::Model, DbErr> {
    let row = api_token::ActiveModel {
        id: Set(t.id),
        tenant_id: Set(t.tenant_id.to_owned()),
        user_id: Set(t.user_id.to_owned()),
        name: Set(t.name),
        role: Set(t.role.to_owned()),
        lookup_key: Set(t.lookup_key),
        hash: Set(t.hash),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        expires_at: Set(t.expires_at),
        revoked_at: Set(None),
    };
    api_token::Entity::insert(row).exec_with_returning(db).await
}

/// Unrevoked, unexpired tokens whose lookup key matches (almost always zero or one).
pub async fn candidates(db: &impl ConnectionTrait, lookup_key: &str) -> Result<Vec<api_token::Model>, DbErr> {
    api_token::Entity::find()
        .filter(api_token::Column::LookupKey.eq(lookup_key))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(
            sea_orm::Condition::any()
                .add(api_token::Column::ExpiresAt.is_null())
                .add(api_token::Column::ExpiresAt.gt(Utc::now())),
        )
        .all(db)
        .await
}

/// Every token of a tenant (`None`: of every tenant), oldest first, for `vcslink token list`.
pub async fn all(db: &impl ConnectionTrait, tenant_id: Option<&str>) -> Result<Vec<api_token::Model>, DbErr> {
    let mut q = api_token::Entity::find();
    if let Some(tenant_id) = tenant_id {
        q = q.filter(api_token::Column::TenantId.eq(tenant_id));
    }
    q.order_by_asc(api_token::Column::Id).all(db).await
}

/// Ids of the tokens revoked at or after `since` (by any replica or the CLI).
pub async fn revoked_since(db: &impl ConnectionTrait, since: DateTime<Utc>) -> Result<Vec<String>, DbErr> {
    api_token::Entity::find()
        .select_only()
        .column(api_token::Column::Id)
        .filter(api_token::Column::RevokedAt.gte(since))
        .into_tuple()
        .all(db)
        .await
}

/// Records that the tokens were used at `at` (one statement for a batch).
pub async fn touch(db: &impl ConnectionTrait, ids: Vec<String>, at: DateTime<Utc>) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, sea_orm::sea_query::Expr::value(at))
        .filter(api_token::Column::Id.is_in(ids))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn by_id(db: &impl ConnectionTrait, id: &str) -> Result<Option<api_token::Model>, DbErr> {
    api_token::Entity::find_by_id(id.to_owned()).one(db).await
}

pub async fn list(
    db: &impl ConnectionTrait,
    tenant_id: &str,
    page: &PageRequest,
) -> Result<Page<api_token::Model>, DbErr> {
    let q = api_token::Entity::find().filter(api_token::Column::TenantId.eq(tenant_id));
    let rows = keyset(q, api_token::Column::Id, ListOrder::OldestFirst, page).all(db).await?;
    Ok(Page::from_overfetch(rows, page))
}

pub async fn count(db: &impl ConnectionTrait, tenant_id: &str) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    api_token::Entity::find().filter(api_token::Column::TenantId.eq(tenant_id)).count(db).await
}

/// Marks the token revoked; `false` when it was unknown or already revoked.
pub async fn revoke(db: &impl ConnectionTrait, id: &str) -> Result<bool, DbErr> {
    let res = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// Whether the token is still valid (used when a cache entry is re-checked).
pub async fn is_active(db: &impl ConnectionTrait, id: &str) -> Result<bool, DbErr> {
    Ok(by_id(db, id).await?.is_some_and(|t| t.revoked_at.is_none()))
}
