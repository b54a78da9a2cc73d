//! Azure DevOps Service Hook deliveries: the HTTP route (Basic auth; store, then ack), group
//! commit, and routing of stored deliveries; the envelope itself is parsed in
//! [`crate::domain::service_hook`].

pub mod answer;
pub mod body;
pub mod edge;
pub mod group_commit;
pub mod handle;
pub mod ingest;
pub mod known_integrations;
pub mod matching;
pub mod mentions;
pub mod replay;
pub mod retention;
pub mod route;
pub mod routing;

pub use handle::Inbox;
