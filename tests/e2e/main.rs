//! End-to-end tests: the real server on a random port, a real database, the fake Azure DevOps.

mod support;

mod automations;
mod cli;
mod lifecycle;
mod queries;
mod schema;
mod secrets;
mod service_hooks;
mod style;
mod subscriptions;
mod tenancy;
mod validation;
mod verification;
mod webhook_bench;
mod webhook_durability;
mod webhooks;
