//! Azure DevOps Service Hook deliveries: the HTTP route (Basic auth; store, then ack), envelope
//! parsing, group commit, and routing of stored deliveries.

pub mod actor;
pub mod body;
pub mod comments;
pub mod event_kind;
pub mod events;
pub mod group_commit;
pub mod ingest;
pub mod known_integrations;
pub mod mentions;
pub mod replay;
pub mod route;
pub mod routing;

#[cfg(test)]
mod events_props;
