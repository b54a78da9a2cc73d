//! The Service Hook envelope: what an Azure DevOps delivery says, parsed without I/O.
//!
//! [`envelope::parse`] turns a body into a [`Normalized`] delivery (quarantined when unusable, never
//! refused); [`EventKind`] names the event types vcslink subscribes to and routes; [`actor`] and
//! [`comments`] read who acted and what a pull-request comment says.

pub mod actor;
pub mod comments;
pub mod envelope;
pub mod event_kind;

pub use envelope::{Commit, Normalized, organization_of, parse, short_branch};
pub use event_kind::EventKind;

#[cfg(test)]
mod envelope_props;
