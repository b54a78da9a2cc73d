//! Large lists seeded fast: direct batched inserts, a transaction per batch of statements, with
//! ids made as the server makes them (UUIDv7), so the lists the bench reads look like real ones.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

/// Rows per INSERT (under both backends' bind-parameter limits at ~50 columns).
const PER_STATEMENT: usize = 400;
/// INSERT statements per transaction.
const PER_TRANSACTION: usize = 25;

async fn insert_all<A>(db: &DatabaseConnection, rows: impl Iterator<Item = A>)
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let txn = db.begin().await.expect("begin");
        for _ in 0..PER_TRANSACTION {
            let batch: Vec<A> = rows.by_ref().take(PER_STATEMENT).collect();
            if batch.is_empty() {
                break;
            }
            A::Entity::insert_many(batch).exec_without_returning(&txn).await.expect("seed insert");
        }
        txn.commit().await.expect("commit");
    }
}

/// `n` more integrations like `template` in its tenant, named `{prefix}-{i}`.
pub async fn integrations(db: &DatabaseConnection, template: &entity::integration::Model, prefix: &str, n: usize) {
    let rows = (0..n).map(|i| {
        let mut m = template.clone();
        m.id = uuid::Uuid::now_v7().to_string();
        m.name = format!("{prefix}-{i:05}");
        m.name_key = m.name.clone();
        m.labels = serde_json::json!(["bench", format!("n{i}")]).to_string();
        m.into_active_model().reset_all()
    });
    insert_all(db, rows).await;
}

/// `n` deliveries of a push to the integration, each with a `payload_bytes` body.
pub async fn deliveries(
    db: &DatabaseConnection,
    tenant_id: &str,
    integration_id: &str,
    n: usize,
    payload_bytes: usize,
) {
    let payload = format!("{{\"bench\":\"{}\"}}", "x".repeat(payload_bytes.saturating_sub(12)));
    let now = chrono_now();
    let rows = (0..n).map(|i| {
        entity::webhook_delivery::Model {
            id: uuid::Uuid::now_v7().to_string(),
            tenant_id: tenant_id.to_owned(),
            integration_id: integration_id.to_owned(),
            event_id: format!("bench-event-{i}"),
            notification_id: Some(i as i64),
            subscription_id: None,
            event_type: "git.push".into(),
            kind: "CODE_PUSHED".into(),
            publisher_id: Some("tfs".into()),
            resource_version: Some("1.0".into()),
            organization: Some("contoso".into()),
            project_id: None,
            project: Some("Platform".into()),
            repository_id: None,
            repository: Some("api-gateway".into()),
            ref_name: Some("refs/heads/main".into()),
            source_ref_name: None,
            commits: None,
            pull_request_number: None,
            work_item_id: None,
            actor: Some("Bench User".into()),
            comment_text: None,
            event_created_at: Some(now),
            received_at: now,
            duplicate_count: 0,
            outcome: "PROCESSED".into(),
            outcome_message: Some("no automation matched".into()),
            processed_at: Some(now),
            payload: payload.clone(),
            comment_edited: false,
            actor_user: None,
            comment_mentions: None,
        }
        .into_active_model()
        .reset_all()
    });
    insert_all(db, rows).await;
}

/// The id of the integration row at `offset` (0-based) in the tenant's list, oldest first.
pub async fn integration_at(db: &DatabaseConnection, tenant_id: &str, offset: u64) -> String {
    use entity::integration::{Column, Entity};
    Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::TenantId.eq(tenant_id))
        .order_by_asc(Column::Id)
        .offset(offset)
        .limit(1)
        .into_tuple::<String>()
        .one(db)
        .await
        .expect("select")
        .expect("the row at that offset")
}

/// The id of the delivery at `offset` (0-based) in the integration's ledger, newest first.
pub async fn delivery_at(db: &DatabaseConnection, integration_id: &str, offset: u64) -> String {
    use entity::webhook_delivery::{Column, Entity};
    Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::IntegrationId.eq(integration_id))
        .order_by_desc(Column::Id)
        .offset(offset)
        .limit(1)
        .into_tuple::<String>()
        .one(db)
        .await
        .expect("select")
        .expect("the row at that offset")
}

/// The integration named `name` and the default tenant's id.
pub async fn integration_named(db: &impl ConnectionTrait, name: &str) -> entity::integration::Model {
    use entity::integration::{Column, Entity};
    Entity::find().filter(Column::Name.eq(name)).one(db).await.expect("select").expect("the integration")
}

fn chrono_now() -> sea_orm::prelude::DateTimeUtc {
    sea_orm::prelude::DateTimeUtc::from(std::time::SystemTime::now())
}
