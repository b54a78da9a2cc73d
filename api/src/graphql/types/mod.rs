//! GraphQL output types: views over rows that hide secrets and use global IDs.

pub mod api_token;
pub mod audit_event;
pub mod browse;
pub mod connection;
pub mod enums;
pub mod integration;
pub mod node;
pub mod user_authorization;
pub mod verification;
pub mod viewer;
