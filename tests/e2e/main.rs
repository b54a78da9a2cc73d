//! End-to-end tests: the real server on a random port, a real database, the fake Azure DevOps.

mod support;

mod browse;
mod browser;
mod cli;
mod docs;
mod lifecycle;
mod operations;
mod queries;
mod schema;
mod secrets;
mod style;
mod tenancy;
mod validation;
mod verification;
