//! How an automation's send is signed: the `X-Vcslink-Signature: sha256=...` value.

use crate::crypto::mac::hmac_sha256;

/// HMAC-SHA256 of `body` under `key`, hex: the `X-Vcslink-Signature: sha256=...` value.
pub fn sign(key: &[u8], body: &[u8]) -> String {
    hex::encode(hmac_sha256(key, body))
}
