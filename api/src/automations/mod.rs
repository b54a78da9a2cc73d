//! Automations: which stored deliveries trigger them, their administration, and the outbox worker
//! that sends them, signed, to their targets.

pub mod admin;
pub mod dispatch;
pub mod handle;
pub mod signing;

pub use handle::Automations;
