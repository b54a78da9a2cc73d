//! The limits of our own stack, in the same process, on the same database: a plain axum route that
//! reads the same rows through SeaORM and writes JSON, and a plain SeaORM insert loop.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

async fn plain(State(db): State<DatabaseConnection>) -> axum::Json<serde_json::Value> {
    let rows = entity::integration::Entity::find()
        .filter(entity::integration::Column::TenantId.ne(""))
        .order_by_asc(entity::integration::Column::Id)
        .limit(20)
        .all(&db)
        .await
        .unwrap_or_default();
    let items: Vec<_> = rows
        .into_iter()
        .map(|r| serde_json::json!({ "id": r.id, "name": r.name, "status": r.status, "labels": r.labels }))
        .collect();
    axum::Json(serde_json::json!({ "items": items }))
}

/// Serves the plain route on a random loopback port; returns its URL.
pub async fn serve(db: DatabaseConnection) -> String {
    let app = Router::new().route("/plain", get(plain)).with_state(db);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/plain", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

static NEXT: AtomicU64 = AtomicU64::new(0);

/// Inserts `n` audit rows with one commit each; returns rows per second.
pub async fn insert_loop(db: &DatabaseConnection, tenant_id: &str, duration: Duration) -> f64 {
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < duration {
        let row = entity::audit_event::ActiveModel {
            id: Set(format!("b-{}", uuid_like(NEXT.fetch_add(1, Ordering::Relaxed)))),
            tenant_id: Set(tenant_id.to_owned()),
            actor: Set("bench".into()),
            token_id: Set(None),
            action: Set("bench.insert".into()),
            target_id: Set(None),
            details: Set("{}".into()),
            created_at: Set(chrono_now()),
        };
        entity::audit_event::Entity::insert(row).exec_without_returning(db).await.expect("baseline insert");
        n += 1;
    }
    n as f64 / started.elapsed().as_secs_f64()
}

fn uuid_like(n: u64) -> String {
    format!("{:032x}", u128::from(n) | (std::process::id() as u128) << 64)
}

fn chrono_now() -> sea_orm::prelude::DateTimeUtc {
    sea_orm::prelude::DateTimeUtc::from(std::time::SystemTime::now())
}
