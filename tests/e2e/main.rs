//! End-to-end tests: the real server on a random port, a real database, the fake Azure DevOps.

mod support;

mod acting;
mod api_versions;
mod authorization;
mod authorization_edges;
mod authz_matrix;
mod automations;
mod browse;
mod browser;
mod cli;
mod descriptions;
mod docs;
mod group_commit;
mod hook_targets;
mod lifecycle;
mod limits;
mod operations;
mod queries;
mod refresh;
mod replicas;
mod schema;
mod scopes;
mod secrets;
mod service_hooks;
mod shutdown;
mod style;
mod subscriptions;
mod tenancy;
mod tenant;
mod validation;
mod verification;
mod webhook_durability;
mod webhook_quarantine;
mod webhook_samples;
mod webhooks;
