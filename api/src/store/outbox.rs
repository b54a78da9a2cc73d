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
        claim_token: Set(None),
    });
    outbox::Entity::insert_many(rows).exec_without_returning(db).await.map(|_| ())
}

/// How a claim shares the outbox out: one automation never has more than `per_automation` sends
/// out (leased) at once, counting those already out, so its backlog leaves the other slots to others.
#[derive(Clone, Copy, Debug)]
pub struct Fairness {
    pub per_automation: u64,
}

/// A claimed row: its id and the claim's token.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: String,
    pub token: String,
}

/// Claims up to `limit` due rows until `lease_until`, counting the attempt, under one new claim
/// token; returns them. Two workers never claim the same row: the claim is one UPDATE over rows no
/// one else holds (`FOR UPDATE SKIP LOCKED` on PostgreSQL, one writer on SQLite). Shared out by
/// [`Fairness`], so one automation's backlog never takes every slot.
pub async fn claim(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
    fair: Fairness,
) -> Result<Vec<Claimed>, DbErr> {
    let backend = db.get_database_backend();
    let token = new_id();
    let per = fair.per_automation;
    // Due rows numbered per automation, after the sends that automation already has out.
    let due = |p: &dyn Fn(usize) -> String| {
        format!(
            "SELECT id FROM (SELECT o.id, o.next_attempt_at, COALESCE(f.busy, 0) AS busy, \
             ROW_NUMBER() OVER (PARTITION BY o.automation_id ORDER BY o.next_attempt_at, o.id) AS n \
             FROM automation_outbox o LEFT JOIN (SELECT automation_id, COUNT(*) AS busy FROM automation_outbox \
             WHERE status = 'PENDING' AND lease_until >= {now} GROUP BY automation_id) f \
             ON f.automation_id = o.automation_id \
             WHERE o.status = 'PENDING' AND o.next_attempt_at <= {now} \
             AND (o.lease_until IS NULL OR o.lease_until < {now})) due \
             WHERE n + busy <= {per} ORDER BY next_attempt_at, id LIMIT {limit}",
            now = p(3),
        )
    };
    let (sql, values): (String, Vec<sea_orm::Value>) = match backend {
        DatabaseBackend::Postgres => (
            format!(
                "UPDATE automation_outbox SET lease_until = $1, attempts = attempts + 1, updated_at = $3, \
                 claim_token = $2 WHERE id IN (SELECT id FROM automation_outbox WHERE id IN ({}) \
                 AND (lease_until IS NULL OR lease_until < $3) FOR UPDATE SKIP LOCKED) RETURNING id",
                due(&|n| format!("${n}"))
            ),
            vec![lease_until.into(), token.clone().into(), now.into()],
        ),
        _ => (
            format!(
                "UPDATE automation_outbox SET lease_until = ?1, attempts = attempts + 1, updated_at = ?3, \
                 claim_token = ?2 WHERE id IN ({}) RETURNING id",
                due(&|n| format!("?{n}"))
            ),
            vec![lease_until.into(), token.clone().into(), now.into()],
        ),
    };
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    rows.iter().map(|r| r.try_get::<String>("", "id").map(|id| Claimed { id, token: token.clone() })).collect()
}

/// Extends the lease of a row this claim still holds; false when another claim has it now.
pub async fn renew(db: &impl ConnectionTrait, claimed: &Claimed, lease_until: DateTime<Utc>) -> Result<bool, DbErr> {
    let updated = outbox::Entity::update_many()
        .col_expr(outbox::Column::LeaseUntil, Expr::value(lease_until))
        .filter(outbox::Column::Id.eq(&claimed.id))
        .filter(outbox::Column::ClaimToken.eq(&claimed.token))
        .filter(outbox::Column::Status.eq(PENDING))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

pub async fn get(db: &impl ConnectionTrait, id: &str) -> Result<Option<outbox::Model>, DbErr> {
    outbox::Entity::find_by_id(id.to_owned()).one(db).await
}

/// Records an attempt's result: `SENT`, back to `PENDING` at `retry_at`, or `FAILED`; only while
/// `claimed` still holds the row (fenced by its token). Returns whether it did.
pub async fn finish(
    db: &impl ConnectionTrait,
    claimed: &Claimed,
    status: &str,
    retry_at: Option<DateTime<Utc>>,
    response_status: Option<i32>,
    error: Option<String>,
) -> Result<bool, DbErr> {
    let mut q = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(status))
        .col_expr(outbox::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(outbox::Column::ResponseStatus, Expr::value(response_status))
        .col_expr(outbox::Column::LastError, Expr::value(error))
        .col_expr(outbox::Column::UpdatedAt, Expr::value(Utc::now()));
    if let Some(at) = retry_at {
        q = q.col_expr(outbox::Column::NextAttemptAt, Expr::value(at));
    }
    let done = q
        .filter(outbox::Column::Id.eq(&claimed.id))
        .filter(outbox::Column::ClaimToken.eq(&claimed.token))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
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
