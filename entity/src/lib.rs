//! SeaORM entities: the database rows. Never exposed as GraphQL objects (those hide secrets and use global IDs).

pub mod api_token;
pub mod audit_event;
pub mod automation;
pub mod automation_outbox;
pub mod idempotency_key;
pub mod integration;
pub mod integration_tombstone;
pub mod oauth_state;
pub mod parked_authorization;
pub mod service_hook;
pub mod tenant;
pub mod user;
pub mod user_authorization;
pub mod webhook_delivery;
pub mod webhook_grace_password;
