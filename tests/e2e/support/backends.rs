//! The two database backends: which one a server runs on, a fresh PostgreSQL database per server,
//! and [`on_both_backends!`], which runs one test body on each.

/// The database a test server runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server to test against: `VCSLINK_TEST_POSTGRES_URL`; unset → skip with a notice,
/// or fail under CI, where the PostgreSQL variants must run.
pub fn postgres_url() -> Option<String> {
    match std::env::var("VCSLINK_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok() => panic!("CI is set but VCSLINK_TEST_POSTGRES_URL is not"),
        _ => {
            eprintln!("skipping PostgreSQL variant: VCSLINK_TEST_POSTGRES_URL is unset");
            None
        }
    }
}

/// A fresh, empty PostgreSQL database named with a UUID; returns its URL.
pub async fn fresh_postgres_database(admin_url: &str) -> String {
    use sea_orm::{ConnectionTrait, Database};
    let name = format!("vcslink_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(admin_url).await.expect("connect to VCSLINK_TEST_POSTGRES_URL");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
    admin.close().await.ok();
    let mut url = url::Url::parse(admin_url).expect("postgres URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

/// Runs `$body` (an async fn taking a `TestApp`) on SQLite and on PostgreSQL.
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn on_sqlite() {
                let app = $crate::support::spawn($crate::support::Backend::Sqlite).await.expect("sqlite");
                super::$name(app).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                if let Some(app) = $crate::support::spawn($crate::support::Backend::Postgres).await {
                    super::$name(app).await;
                }
            }
        }
    };
    ($name:ident, $tweak:expr) => {
        mod $name {
            #[tokio::test]
            async fn on_sqlite() {
                let app = $crate::support::spawn_with($crate::support::Backend::Sqlite, $tweak).await.expect("sqlite");
                super::$name(app).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                if let Some(app) = $crate::support::spawn_with($crate::support::Backend::Postgres, $tweak).await {
                    super::$name(app).await;
                }
            }
        }
    };
}
pub(crate) use on_both_backends;
