//! A fresh PostgreSQL database per run, when `VCSLINK_TEST_POSTGRES_URL` names a server.

use sea_orm::{ConnectionTrait, Database};

/// Creates an empty database on the server `admin_url` names; returns its URL and name.
pub async fn fresh_database(admin_url: &str) -> (String, String) {
    let name = format!("vcslink_bench_{}_{}", std::process::id(), chrono_free_stamp());
    let admin = Database::connect(admin_url).await.expect("connect to VCSLINK_TEST_POSTGRES_URL");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create the bench database");
    admin.close().await.ok();
    let mut url = url::Url::parse(admin_url).expect("postgres URL");
    url.set_path(&format!("/{name}"));
    (url.to_string(), name)
}

/// Drops the database `fresh_database` made (its connections must be closed first).
pub async fn drop_database(admin_url: &str, name: &str) {
    if let Ok(admin) = Database::connect(admin_url).await {
        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        admin.close().await.ok();
    }
}

fn chrono_free_stamp() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}
