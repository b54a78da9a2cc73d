//! Azure DevOps Service Hook deliveries: the HTTP route (Basic auth; store, then ack), envelope
//! parsing, group commit, and routing of stored deliveries.

pub mod actor;
pub mod automation_admin;
pub mod automations;
pub mod body;
pub mod comments;
pub mod dispatch;
pub mod event_kind;
pub mod events;
pub mod group_commit;
pub mod hook_target;
pub mod hooks;
pub mod ingest;
pub mod install;
pub mod known_integrations;
pub mod mentions;
pub mod replay;
pub mod route;
pub mod routing;

#[cfg(test)]
mod events_props;
