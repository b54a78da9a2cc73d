//! Service hook subscriptions vcslink installed, per integration.

use chrono::Utc;
use entity::service_hook as hook;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, sea_query::Expr,
};

use super::new_id;

/// A subscription just created in Azure DevOps, to remember.
pub struct NewHook<'a> {
    pub tenant_id: &'a str,
    pub integration_id: &'a str,
    pub subscription_id: String,
    pub event_type: &'a str,
    pub project_id: &'a str,
    pub project: &'a str,
    pub repository_id: Option<&'a str>,
    pub repository: Option<&'a str>,
    pub owner: Owner,
}

/// Who owns a subscription in Azure DevOps, from its `createdBy` and the credential that made it.
pub struct Owner {
    pub created_by: Option<String>,
    /// `PAT` or `APP_IDENTITY` (`integrations::ACTING_*`).
    pub created_with: &'static str,
}

pub async fn insert(db: &impl ConnectionTrait, n: NewHook<'_>) -> Result<hook::Model, DbErr> {
    let now = Utc::now();
    let row = hook::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(n.tenant_id.to_owned()),
        integration_id: Set(n.integration_id.to_owned()),
        subscription_id: Set(n.subscription_id),
        event_type: Set(n.event_type.to_owned()),
        project_id: Set(n.project_id.to_owned()),
        project: Set(n.project.to_owned()),
        repository_id: Set(n.repository_id.map(str::to_owned)),
        repository: Set(n.repository.map(str::to_owned)),
        password_pending_since: Set(None),
        created_by: Set(n.owner.created_by),
        created_with: Set(Some(n.owner.created_with.to_owned())),
        created_at: Set(now),
        updated_at: Set(now),
    };
    hook::Entity::insert(row).exec_with_returning(db).await
}

/// The integration's hooks, oldest first.
pub async fn list(db: &impl ConnectionTrait, integration_id: &str) -> Result<Vec<hook::Model>, DbErr> {
    hook::Entity::find()
        .filter(hook::Column::IntegrationId.eq(integration_id))
        .order_by_asc(hook::Column::Id)
        .all(db)
        .await
}

/// Points a hook at a re-created subscription, owned by `owner`.
pub async fn set_subscription(
    db: &impl ConnectionTrait,
    m: hook::Model,
    subscription_id: String,
    owner: Owner,
) -> Result<hook::Model, DbErr> {
    let mut row = m.into_active_model();
    row.subscription_id = Set(subscription_id);
    row.created_by = Set(owner.created_by);
    row.created_with = Set(Some(owner.created_with.to_owned()));
    row.password_pending_since = Set(None);
    row.updated_at = Set(Utc::now());
    row.update(db).await
}

/// Marks the hooks as holding an older webhook password at Azure DevOps (`pending`), or as
/// current again. A hook already pending keeps its first mark.
pub async fn set_password_pending(db: &impl ConnectionTrait, ids: &[&str], pending: bool) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut update = hook::Entity::update_many()
        .col_expr(hook::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(hook::Column::Id.is_in(ids.iter().copied()));
    update = if pending {
        update
            .col_expr(hook::Column::PasswordPendingSince, Expr::value(Some(Utc::now())))
            .filter(hook::Column::PasswordPendingSince.is_null())
    } else {
        update.col_expr(hook::Column::PasswordPendingSince, Expr::value(Option::<chrono::DateTime<Utc>>::None))
    };
    update.exec(db).await.map(|_| ())
}

/// Hooks whose password update is pending, oldest mark first, at most `limit`.
pub async fn password_pending(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<hook::Model>, DbErr> {
    hook::Entity::find()
        .filter(hook::Column::PasswordPendingSince.is_not_null())
        .order_by_asc(hook::Column::PasswordPendingSince)
        .limit(limit)
        .all(db)
        .await
}

pub async fn delete_all(db: &impl ConnectionTrait, integration_id: &str) -> Result<u64, DbErr> {
    Ok(hook::Entity::delete_many().filter(hook::Column::IntegrationId.eq(integration_id)).exec(db).await?.rows_affected)
}

pub async fn get(db: &impl ConnectionTrait, tenant_id: &str, id: &str) -> Result<Option<hook::Model>, DbErr> {
    hook::Entity::find_by_id(id.to_owned()).filter(hook::Column::TenantId.eq(tenant_id)).one(db).await
}
