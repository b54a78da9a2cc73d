//! GraphQL output types: views over rows that hide secrets and use global IDs.

pub mod api_token;
pub mod app_identity;
pub mod audit_event;
pub mod automation;
pub mod browse;
pub mod delivery;
pub mod enums;
pub mod integration;
pub mod integration_parts;
pub mod integration_webhooks;
pub mod node;
pub mod pending_authorization;
pub mod service_hook;
pub mod timestamp;
pub mod user_authorization;
pub mod verification;
pub mod verification_enums;
pub mod viewer;
