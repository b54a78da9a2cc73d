//! vcslink as an OpenID Connect issuer, for workload identity federation: an app identity with
//! `federated: true` proves itself with a client assertion vcslink signs (RS256), and Entra ID checks
//! it against the key set vcslink publishes at `VCSLINK_PUBLIC_URL` (docs/azure-devops-wire.md §6.4).
//!
//! `signing_keys.rs` derives one RSA key per master key, so keys live with the master key material
//! and rotate with `rotate-key` (the previous key stays published until `rotate-key --finish`);
//! `routes.rs` serves the discovery document and the JWKS; `assertion.rs` signs the assertions.

pub mod assertion;
pub mod routes;
pub mod signing_keys;
