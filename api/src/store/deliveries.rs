//! The delivery ledger: insert-or-ignore on (integration, event id), duplicates counted, keyset pages.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use entity::{integration, webhook_delivery as delivery};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TryIntoModel,
};

use super::new_id;
use super::pagination::{ListOrder, Page, PageRequest, keyset};
use crate::domain::service_hook::Normalized;

/// Outcomes of routing a delivery.
pub const RECEIVED: &str = "RECEIVED";
pub const PROCESSED: &str = "PROCESSED";
pub const FAILED: &str = "FAILED";
/// Kept and acknowledged but not routed: not JSON, an incomplete envelope, an unknown event type,
/// or a body over `VCSLINK_WEBHOOK_MAX_BODY_BYTES`.
pub const QUARANTINED: &str = "QUARANTINED";

/// Whether a delivery was new or a duplicate of one already stored.
#[derive(Debug)]
pub enum Stored {
    New(Box<delivery::Model>),
    Duplicate,
}

/// A delivery to store: its integration, envelope, raw body and routing outcome.
pub struct NewDelivery<'a> {
    pub integration: &'a integration::Model,
    pub normalized: &'a Normalized,
    pub payload: &'a str,
    pub outcome: (&'static str, String),
}

/// Stores each delivery unless (integration, event id) is already there, in which case the stored
/// one's duplicate count goes up; one INSERT for all of them. Safe under concurrent replicas and
/// repeats within `items`: the unique index decides. Returns one outcome per item, in order.
pub async fn insert_or_count(db: &impl ConnectionTrait, items: Vec<NewDelivery<'_>>) -> Result<Vec<Stored>, DbErr> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    let rows: Vec<delivery::ActiveModel> = items.iter().map(|item| row(item, now)).collect();
    let models = rows.iter().cloned().map(TryIntoModel::try_into_model).collect::<Result<Vec<_>, _>>()?;
    let inserted = delivery::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([delivery::Column::IntegrationId, delivery::Column::EventId]).do_nothing().to_owned(),
        )
        .exec_without_returning(db)
        .await;
    let inserted = match inserted {
        Ok(n) => n,
        Err(DbErr::RecordNotInserted) => 0,
        Err(e) => return Err(e),
    };
    // Usually every row is new; otherwise ask which of our fresh ids made it in.
    let kept: HashSet<String> = if inserted == models.len() as u64 {
        models.iter().map(|m| m.id.clone()).collect()
    } else {
        delivery::Entity::find()
            .select_only()
            .column(delivery::Column::Id)
            .filter(delivery::Column::Id.is_in(models.iter().map(|m| m.id.as_str())))
            .into_tuple::<String>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let mut outcomes = Vec::with_capacity(models.len());
    for (item, model) in items.iter().zip(models) {
        if kept.contains(&model.id) {
            outcomes.push(Stored::New(Box::new(model)));
            continue;
        }
        delivery::Entity::update_many()
            .col_expr(delivery::Column::DuplicateCount, Expr::col(delivery::Column::DuplicateCount).add(1))
            .filter(delivery::Column::IntegrationId.eq(item.integration.id.as_str()))
            .filter(delivery::Column::EventId.eq(item.normalized.event_id.as_str()))
            .exec(db)
            .await?;
        outcomes.push(Stored::Duplicate);
    }
    Ok(outcomes)
}

fn row(item: &NewDelivery<'_>, now: DateTime<Utc>) -> delivery::ActiveModel {
    let (n, integration) = (item.normalized, item.integration);
    let commits = (!n.commits.is_empty()).then(|| serde_json::to_string(&n.commits).unwrap_or_default());
    // Column widths of the schema: a longer value (any sender may send one) is cut, never refused.
    let cut = |v: &Option<String>, max: usize| v.as_deref().map(|t| clip(t, max).to_owned());
    delivery::ActiveModel {
        id: Set(new_id()),
        tenant_id: Set(integration.tenant_id.clone()),
        integration_id: Set(integration.id.clone()),
        event_id: Set(n.event_id.clone()),
        notification_id: Set(n.notification_id),
        subscription_id: Set(cut(&n.subscription_id, 200)),
        event_type: Set(clip(&n.event_type, 200).to_owned()),
        kind: Set(n.kind().as_str().to_owned()),
        publisher_id: Set(cut(&n.publisher_id, 100)),
        resource_version: Set(cut(&n.resource_version, 20)),
        organization: Set(cut(&n.organization, 200)),
        project_id: Set(cut(&n.project_id, 100)),
        project: Set(cut(&n.project, 200)),
        repository_id: Set(cut(&n.repository_id, 100)),
        repository: Set(cut(&n.repository, 200)),
        ref_name: Set(cut(&n.ref_name, 400)),
        source_ref_name: Set(cut(&n.source_ref_name, 400)),
        commits: Set(commits),
        pull_request_number: Set(n.pull_request_number),
        work_item_id: Set(n.work_item_id),
        actor: Set(cut(&n.actor, 400)),
        comment_text: Set(n.comment_text.clone()),
        event_created_at: Set(n.created_at),
        received_at: Set(now),
        duplicate_count: Set(0),
        outcome: Set(item.outcome.0.to_owned()),
        outcome_message: Set(Some(item.outcome.1.clone())),
        processed_at: Set((item.outcome.0 != RECEIVED).then_some(now)),
        payload: Set(item.payload.to_owned()),
        comment_edited: Set(n.comment_edited),
        actor_user: Set(cut(&n.actor_user, 400)),
        comment_mentions: Set(n.mention_names.clone()),
    }
}

/// The first `max` characters of `text`.
fn clip(text: &str, max: usize) -> &str {
    text.char_indices().nth(max).map_or(text, |(at, _)| &text[..at])
}

/// Moves `lastDeliveryAt` forward, at most about once a second: a row that is fresh enough is not
/// written (nor locked), so concurrent deliveries do not queue on the integration row.
pub async fn touch_last_delivery(
    db: &impl ConnectionTrait,
    integration_id: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let stale = at - chrono::Duration::seconds(1);
    integration::Entity::update_many()
        .col_expr(integration::Column::LastDeliveryAt, Expr::value(Some(at)))
        .filter(integration::Column::Id.eq(integration_id))
        .filter(
            sea_orm::Condition::any()
                .add(integration::Column::LastDeliveryAt.is_null())
                .add(integration::Column::LastDeliveryAt.lt(stale)),
        )
        .exec(db)
        .await
        .map(|_| ())
}

/// Records the outcome of routing a stored delivery again; returns when it was processed.
pub async fn set_outcome(
    db: &impl ConnectionTrait,
    id: &str,
    outcome: &str,
    message: Option<String>,
) -> Result<DateTime<Utc>, DbErr> {
    let now = Utc::now();
    delivery::Entity::update_many()
        .col_expr(delivery::Column::Outcome, Expr::value(outcome))
        .col_expr(delivery::Column::OutcomeMessage, Expr::value(message))
        .col_expr(delivery::Column::ProcessedAt, Expr::value(Some(now)))
        .filter(delivery::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| now)
}

pub async fn get(db: &impl ConnectionTrait, tenant_id: &str, id: &str) -> Result<Option<delivery::Model>, DbErr> {
    delivery::Entity::find_by_id(id.to_owned()).filter(delivery::Column::TenantId.eq(tenant_id)).one(db).await
}

/// The integration's deliveries, newest first, optionally of one kind; and how many there are.
pub async fn list(
    db: &impl ConnectionTrait,
    integration_id: &str,
    kind: Option<&str>,
    page: &PageRequest,
) -> Result<(Page<delivery::Model>, i64), DbErr> {
    Ok((self::page(db, integration_id, kind, page, true).await?, count(db, integration_id, kind).await?))
}

fn of(integration_id: &str, kind: Option<&str>) -> sea_orm::Select<delivery::Entity> {
    let q = delivery::Entity::find().filter(delivery::Column::IntegrationId.eq(integration_id));
    match kind {
        Some(kind) => q.filter(delivery::Column::Kind.eq(kind)),
        None => q,
    }
}

/// A page of the integration's deliveries, newest first, optionally of one kind: keyset over
/// `ix_webhook_deliveries_ledger` (or `ix_webhook_deliveries_kind`), as cheap at page 10,000 as
/// at page 1. Without `with_payload` the body is not read (the rows' `payload` is empty).
pub async fn page(
    db: &impl ConnectionTrait,
    integration_id: &str,
    kind: Option<&str>,
    page: &PageRequest,
    with_payload: bool,
) -> Result<Page<delivery::Model>, DbErr> {
    let q = keyset(
        without_payload(of(integration_id, kind), with_payload),
        delivery::Column::Id,
        ListOrder::NewestFirst,
        page,
    );
    Ok(Page::from_overfetch(q.into_model::<delivery::Model>().all(db).await?, page))
}

/// How many deliveries the integration holds, optionally of one kind (a count over all of them:
/// only for an answer that asks).
pub async fn count(db: &impl ConnectionTrait, integration_id: &str, kind: Option<&str>) -> Result<i64, DbErr> {
    Ok(of(integration_id, kind).count(db).await? as i64)
}

/// `q` reading every column but the body, which reads as empty, unless `with_payload`.
fn without_payload(q: sea_orm::Select<delivery::Entity>, with_payload: bool) -> sea_orm::Select<delivery::Entity> {
    use sea_orm::Iterable as _;
    if with_payload {
        return q;
    }
    q.select_only()
        .columns(delivery::Column::iter().filter(|c| !matches!(c, delivery::Column::Payload)))
        .column_as(Expr::val(""), "payload")
}

/// At most `limit` of the integration's deliveries with ids after `after`, in id (arrival) order:
/// subscriptions page through new deliveries with it. Without `with_payload` the body is not
/// read (the rows' `payload` is empty): a subscriber that does not select it never costs it.
pub async fn after_id(
    db: &impl ConnectionTrait,
    integration_id: &str,
    after: &str,
    limit: u64,
    with_payload: bool,
) -> Result<Vec<delivery::Model>, DbErr> {
    let q = without_payload(delivery::Entity::find(), with_payload);
    q.filter(delivery::Column::IntegrationId.eq(integration_id))
        .filter(delivery::Column::Id.gt(after))
        .order_by_asc(delivery::Column::Id)
        .limit(limit)
        .into_model::<delivery::Model>()
        .all(db)
        .await
}
