//! The spans exported as OpenTelemetry traces (see `telemetry`, which exports them when an OTLP
//! endpoint is set, and docs/admin-guide.md "Traces"): one per GraphQL operation, per upstream
//! call (Azure DevOps, Entra ID, the managed identity endpoint), per webhook delivery received and
//! per automation send. Each carries the request id of the HTTP request it serves, when there is
//! one, and nothing secret: no header values, no bodies, no query strings, no tokens.
//!
//! These spans have their own target, [`TARGET`], that only the OpenTelemetry layer listens to: log
//! lines look as they did, and without an endpoint the spans are never even built.

pub mod request_id;
pub mod spans;

/// The `tracing` target of every exported span.
pub const TARGET: &str = "vcslink_traces";
