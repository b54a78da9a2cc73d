//! End-to-end tests: the real server on a random port, a real database, the fake Azure DevOps.

mod support;

mod acting;
mod authorization;
mod authorization_edges;
mod browse;
mod browser;
mod cli;
mod docs;
mod lifecycle;
mod operations;
mod queries;
mod refresh;
mod schema;
mod secrets;
mod style;
mod tenancy;
mod validation;
mod verification;
