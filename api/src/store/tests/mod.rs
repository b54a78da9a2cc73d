//! The store functions against the real migrations: each test runs on a fresh SQLite file database
//! and, where `VCSLINK_TEST_POSTGRES_URL` names a server, on a fresh PostgreSQL database too.

mod audit;
mod automations;
mod deliveries;
mod fixtures;
mod integrations;
mod oauth_states;
mod outbox;
mod pagination;
mod parked_authorizations;
mod rotate;
mod tokens;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

/// A migrated database for one test; a SQLite file lives as long as this does.
pub struct TestDb {
    pub db: DatabaseConnection,
    _dir: Option<tempfile::TempDir>,
}

/// A fresh SQLite file database, opened as the server opens it and migrated.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("store.db").display());
    TestDb { db: migrated(&url).await, _dir: Some(dir) }
}

/// A fresh PostgreSQL database on `VCSLINK_TEST_POSTGRES_URL`, migrated; `None` (with a notice)
/// when that is unset, a failure under CI, where the PostgreSQL variants must run.
pub async fn postgres() -> Option<TestDb> {
    let admin_url = match std::env::var("VCSLINK_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => url,
        _ if std::env::var("CI").is_ok() => panic!("CI is set but VCSLINK_TEST_POSTGRES_URL is not"),
        _ => {
            eprintln!("skipping PostgreSQL variant: VCSLINK_TEST_POSTGRES_URL is unset");
            return None;
        }
    };
    let name = format!("vcslink_store_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(&admin_url).await.expect("connect to VCSLINK_TEST_POSTGRES_URL");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
    admin.close().await.ok();
    let mut url = url::Url::parse(&admin_url).expect("postgres URL");
    url.set_path(&format!("/{name}"));
    Some(TestDb { db: migrated(url.as_str()).await, _dir: None })
}

async fn migrated(url: &str) -> DatabaseConnection {
    let db = crate::store::connect(url).await.expect("connect");
    crate::store::migrate(&db).await.expect("migrations run");
    db
}

/// Runs `$name` (an async fn taking `&DatabaseConnection`) on SQLite and on PostgreSQL.
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn on_sqlite() {
                let t = $crate::store::tests::sqlite().await;
                super::$name(&t.db).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                if let Some(t) = $crate::store::tests::postgres().await {
                    super::$name(&t.db).await;
                }
            }
        }
    };
}
pub(crate) use on_both_backends;
