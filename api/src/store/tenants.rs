//! Tenants and their users, created on first use.

use chrono::Utc;
use entity::{tenant, user};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::new_id;
use crate::error::is_unique_violation;

/// The tenant named `name`, created when absent (a concurrent creator wins the race harmlessly).
pub async fn ensure_tenant(db: &impl ConnectionTrait, name: &str) -> Result<tenant::Model, DbErr> {
    if let Some(t) = find_tenant(db, name).await? {
        return Ok(t);
    }
    let row = tenant::ActiveModel { id: Set(new_id()), name: Set(name.to_owned()), created_at: Set(Utc::now()) };
    match tenant::Entity::insert(row).exec_with_returning(db).await {
        Ok(t) => Ok(t),
        Err(e) if is_unique_violation(&e) => {
            find_tenant(db, name).await?.ok_or_else(|| DbErr::RecordNotFound(format!("tenant {name}")))
        }
        Err(e) => Err(e),
    }
}

pub async fn find_tenant(db: &impl ConnectionTrait, name: &str) -> Result<Option<tenant::Model>, DbErr> {
    tenant::Entity::find().filter(tenant::Column::Name.eq(name)).one(db).await
}

pub async fn tenant_by_id(db: &impl ConnectionTrait, id: &str) -> Result<Option<tenant::Model>, DbErr> {
    tenant::Entity::find_by_id(id.to_owned()).one(db).await
}

pub async fn any_tenant(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(tenant::Entity::find().one(db).await?.is_some())
}

/// The user `name` of the tenant, created when absent.
pub async fn ensure_user(db: &impl ConnectionTrait, tenant_id: &str, name: &str) -> Result<user::Model, DbErr> {
    if let Some(u) = find_user(db, tenant_id, name).await? {
        return Ok(u);
    }
    let row = user::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(tenant_id.to_owned()),
        name: Set(name.to_owned()),
        created_at: Set(Utc::now()),
    };
    match user::Entity::insert(row).exec_with_returning(db).await {
        Ok(u) => Ok(u),
        Err(e) if is_unique_violation(&e) => {
            find_user(db, tenant_id, name).await?.ok_or_else(|| DbErr::RecordNotFound(format!("user {name}")))
        }
        Err(e) => Err(e),
    }
}

async fn find_user(db: &impl ConnectionTrait, tenant_id: &str, name: &str) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find().filter(user::Column::TenantId.eq(tenant_id)).filter(user::Column::Name.eq(name)).one(db).await
}

pub async fn user_by_id(db: &impl ConnectionTrait, id: &str) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id.to_owned()).one(db).await
}
