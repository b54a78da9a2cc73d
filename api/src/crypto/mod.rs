//! Encryption at rest: the versioned master key, its key file, and sealed blobs bound to their row.
//!
//! `crypto` is a leaf: it knows nothing of the database or GraphQL. The store seals every
//! secret with [`Keyring::seal`] under an [`Aad`] naming table, column and row id, and opens
//! it with [`Keyring::open`]; `rotate-key` re-seals every blob for which
//! [`Keyring::needs_reseal`] is true.

mod key_file;
mod keyring;
pub mod mac;
mod master_key;
pub mod reload;
mod sealed;

pub use key_file::{KeyFile, KeySource, keyring_from_sources};
pub use keyring::{Keyring, Reloaded};
pub use master_key::{KEY_LEN, KeyError, MasterKey};
pub use sealed::{Aad, FORMAT_V1, SealError, SecretBytes};

#[cfg(test)]
mod sealed_props;
