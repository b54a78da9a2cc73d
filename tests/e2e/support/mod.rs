//! Test support: a real server on a random port, a fresh database (SQLite file or a new PostgreSQL
//! database), the fake Azure DevOps on loopback, a GraphQL client that insists on error codes, and
//! every fixture more than one feature module uses. Feature modules import from here only, never
//! from each other.

mod app;
mod backends;
mod capture;

pub mod acting;
pub mod app_identities;
pub mod authorizations;
pub mod automations;
pub mod integrations;
pub mod otlp;
pub mod queries;
pub mod webhooks;

pub use app::{ADMIN_TOKEN, PUBLIC_URL, TestApp, error_code, public_url, spawn, spawn_app, spawn_with};
pub use backends::Backend;
pub(crate) use backends::on_both_backends;
pub use capture::{captured_logs, captured_responses};
