//! The bare stack: axum routes that select exactly the columns the list queries ask for, through
//! SeaORM, and write JSON. No authentication, tenancy check, global IDs or connections: the least
//! work that answers the same question, to measure what vcslink's layers add.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};

/// "No cursor" in a route's `after` segment.
pub const START: &str = "-";

/// `id name status labels` of `limit` integrations of a tenant after `after`, oldest first.
async fn integrations(
    State(db): State<DatabaseConnection>,
    Path((tenant, after, limit)): Path<(String, String, u64)>,
) -> axum::Json<Value> {
    use entity::integration::Column;
    let mut q = entity::integration::Entity::find()
        .select_only()
        .columns([Column::Id, Column::Name, Column::Status, Column::Labels])
        .filter(Column::TenantId.eq(tenant));
    if after != START {
        q = q.filter(Column::Id.gt(after));
    }
    let rows: Vec<(String, String, String, String)> =
        q.order_by_asc(Column::Id).limit(limit).into_tuple().all(&db).await.unwrap_or_default();
    let items: Vec<Value> = rows
        .into_iter()
        .map(|(id, name, status, labels)| {
            let labels: Vec<String> = serde_json::from_str(&labels).unwrap_or_default();
            json!({ "id": id, "name": name, "status": status, "labels": labels })
        })
        .collect();
    axum::Json(json!({ "items": items }))
}

/// `id kind receivedAt outcome` of `limit` deliveries of an integration before `after`, newest
/// first, and whether more follow (one row over).
async fn deliveries(
    State(db): State<DatabaseConnection>,
    Path((integration, after, limit)): Path<(String, String, u64)>,
) -> axum::Json<Value> {
    use entity::webhook_delivery::Column;
    let mut q = entity::webhook_delivery::Entity::find()
        .select_only()
        .columns([Column::Id, Column::Kind, Column::ReceivedAt, Column::Outcome])
        .filter(Column::IntegrationId.eq(integration));
    if after != START {
        q = q.filter(Column::Id.lt(after));
    }
    let mut rows: Vec<(String, String, sea_orm::prelude::DateTimeUtc, String)> =
        q.order_by_desc(Column::Id).limit(limit + 1).into_tuple().all(&db).await.unwrap_or_default();
    let has_next = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let items: Vec<Value> = rows
        .into_iter()
        .map(|(id, kind, at, outcome)| json!({ "id": id, "kind": kind, "receivedAt": at, "outcome": outcome }))
        .collect();
    axum::Json(json!({ "items": items, "hasNext": has_next }))
}

/// Serves the bare routes on a random loopback port; returns their base URL.
pub async fn serve(db: DatabaseConnection) -> String {
    let app = Router::new()
        .route("/bare/integrations/{tenant}/{after}/{limit}", get(integrations))
        .route("/bare/deliveries/{integration}/{after}/{limit}", get(deliveries))
        .with_state(db);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/bare", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}
