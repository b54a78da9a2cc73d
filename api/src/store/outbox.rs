//! The automation outbox: rows written with the delivery, claimed under a lease (`FOR UPDATE SKIP
//! LOCKED` on PostgreSQL; SQLite serializes writers), retried with exponential backoff.

use chrono::{DateTime, Utc};
use entity::automation_outbox as outbox;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Statement,
};

use super::new_id;

pub const PENDING: &str = "PENDING";
pub const SENT: &str = "SENT";
pub const FAILED: &str = "FAILED";

/// Queues a send of `delivery_id` to each of `automation_ids`, due now, in one INSERT.
pub async fn enqueue_all(db: &impl ConnectionTrait, delivery_id: &str, automation_ids: &[String]) -> Result<(), DbErr> {
    if automation_ids.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let rows = automation_ids.iter().map(|automation_id| outbox::ActiveModel {
        id: Set(new_id()),
        delivery_id: Set(delivery_id.to_owned()),
        automation_id: Set(automation_id.clone()),
        status: Set(PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        response_status: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    });
    outbox::Entity::insert_many(rows).exec_without_returning(db).await.map(|_| ())
}

/// Claims up to `limit` due rows until `lease_until`, counting the attempt; returns their ids.
/// Two workers never claim the same row: the claim is one UPDATE over rows no one else holds.
pub async fn claim(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    let (sql, values): (String, Vec<sea_orm::Value>) = match backend {
        DatabaseBackend::Postgres => (
            format!(
                "UPDATE automation_outbox SET lease_until = $1, attempts = attempts + 1, updated_at = $2 \
                 WHERE id IN (SELECT id FROM automation_outbox WHERE status = 'PENDING' AND next_attempt_at <= $2 \
                 AND (lease_until IS NULL OR lease_until < $2) ORDER BY next_attempt_at LIMIT {limit} \
                 FOR UPDATE SKIP LOCKED) RETURNING id"
            ),
            vec![lease_until.into(), now.into()],
        ),
        _ => (
            format!(
                "UPDATE automation_outbox SET lease_until = ?, attempts = attempts + 1, updated_at = ? \
                 WHERE id IN (SELECT id FROM automation_outbox WHERE status = 'PENDING' AND next_attempt_at <= ? \
                 AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt_at LIMIT {limit}) RETURNING id"
            ),
            vec![lease_until.into(), now.into(), now.into(), now.into()],
        ),
    };
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    rows.iter().map(|r| r.try_get::<String>("", "id")).collect()
}

pub async fn get(db: &impl ConnectionTrait, id: &str) -> Result<Option<outbox::Model>, DbErr> {
    outbox::Entity::find_by_id(id.to_owned()).one(db).await
}

/// Records an attempt's result: `SENT`, back to `PENDING` at `retry_at`, or `FAILED`.
pub async fn finish(
    db: &impl ConnectionTrait,
    id: &str,
    status: &str,
    retry_at: Option<DateTime<Utc>>,
    response_status: Option<i32>,
    error: Option<String>,
) -> Result<(), DbErr> {
    let mut q = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(status))
        .col_expr(outbox::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::ResponseStatus, Expr::value(response_status))
        .col_expr(outbox::Column::LastError, Expr::value(error))
        .col_expr(outbox::Column::UpdatedAt, Expr::value(Utc::now()));
    if let Some(at) = retry_at {
        q = q.col_expr(outbox::Column::NextAttemptAt, Expr::value(at));
    }
    q.filter(outbox::Column::Id.eq(id)).exec(db).await.map(|_| ())
}

/// The sends of several deliveries in one query, oldest first.
pub async fn for_deliveries(db: &impl ConnectionTrait, delivery_ids: &[&str]) -> Result<Vec<outbox::Model>, DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::DeliveryId.is_in(delivery_ids.iter().copied()))
        .order_by_asc(outbox::Column::Id)
        .all(db)
        .await
}

/// Sends still to be made (pending, including those waiting for a retry).
pub async fn pending_count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    outbox::Entity::find().filter(outbox::Column::Status.eq(PENDING)).count(db).await
}
