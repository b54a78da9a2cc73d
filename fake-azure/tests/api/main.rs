//! Drives the fake over real HTTP, asserting the wire shapes vcslink relies on.

mod auth;
mod behaviours;
mod core;
mod entra;
mod entra_faults;
mod git;
mod hooks_wit;
mod identities;
mod support;
