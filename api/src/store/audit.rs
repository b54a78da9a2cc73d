//! The audit log: one row per administrative act, written in the same transaction as the act.

use chrono::Utc;
use entity::audit_event;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::new_id;
use super::pagination::{ListOrder, Page, PageRequest, keyset};

/// Who acted: the platform user and the token they used.
#[derive(Clone, Debug)]
pub struct Actor {
    pub tenant_id: String,
    pub user: String,
    pub token_id: Option<String>,
}

/// Records `action` on `target`; `details` must never hold a secret.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    target: Option<&str>,
    details: serde_json::Value,
) -> Result<(), DbErr> {
    let row = audit_event::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(actor.tenant_id.clone()),
        actor: Set(actor.user.clone()),
        token_id: Set(actor.token_id.clone()),
        action: Set(action.to_owned()),
        target_id: Set(target.map(str::to_owned)),
        details: Set(details.to_string()),
        created_at: Set(Utc::now()),
    };
    audit_event::Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}

/// The tenant's audit events, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    tenant_id: &str,
    page: &PageRequest,
) -> Result<Page<audit_event::Model>, DbErr> {
    let q = audit_event::Entity::find().filter(audit_event::Column::TenantId.eq(tenant_id));
    let rows = keyset(q, audit_event::Column::Id, ListOrder::NewestFirst, page).all(db).await?;
    Ok(Page::from_overfetch(rows, page))
}

pub async fn count(db: &impl ConnectionTrait, tenant_id: &str) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    audit_event::Entity::find().filter(audit_event::Column::TenantId.eq(tenant_id)).count(db).await
}
