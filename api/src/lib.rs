//! vcslink: a GraphQL API server connecting a platform to Azure DevOps.

pub mod acting;
pub mod app;
pub mod auth;
pub mod automations;
pub mod azure;
pub mod bootstrap;
pub mod browse;
pub mod capabilities;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod docs;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod integrations;
pub mod memory;
pub mod metrics;
pub mod private_files;
pub mod rotation;
pub mod service_hooks;
pub mod store;
pub mod telemetry;
pub mod user_authorizations;
pub mod webhooks;
