//! HMAC-SHA256, and keyed fingerprints: a value stored or sent to be compared later (an idempotency
//! fingerprint over secrets, an unlinked integration's webhook password, a sign-in's nonce) is an HMAC under a key
//! derived from the master key for its purpose, so the database alone lets nobody guess what it
//! was computed from.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::Keyring;

/// HMAC-SHA256 (RFC 2104) of `data` under `key`.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(data);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// What a fingerprint is for; each purpose has its own derived key.
#[derive(Clone, Copy, Debug)]
pub enum Purpose {
    Idempotency,
    UnlinkedWebhookPassword,
    /// The OpenID Connect `nonce` of a user's sign-in, derived from its state.
    SignInNonce,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::Idempotency => b"vcslink fingerprint: idempotency",
            Purpose::UnlinkedWebhookPassword => b"vcslink fingerprint: unlinked webhook password",
            Purpose::SignInNonce => b"vcslink fingerprint: sign-in nonce",
        }
    }
}

impl Keyring {
    /// The fingerprint of `data` for `purpose` under the current key, hex.
    pub fn fingerprint(&self, purpose: Purpose, data: &[u8]) -> String {
        fingerprint_under(self.current().expose(), purpose, data)
    }

    /// Whether `stored` is the fingerprint of `data` for `purpose` under any key of the ring (a
    /// fingerprint made before a rotation still matches), compared in constant time.
    pub fn fingerprint_matches(&self, purpose: Purpose, data: &[u8], stored: &str) -> bool {
        self.keys().into_iter().fold(false, |found, key| {
            let candidate = fingerprint_under(key.expose(), purpose, data);
            found | bool::from(candidate.as_bytes().ct_eq(stored.as_bytes()))
        })
    }
}

fn fingerprint_under(master: &[u8], purpose: Purpose, data: &[u8]) -> String {
    hex::encode(hmac_sha256(&hmac_sha256(master, purpose.label()), data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::MasterKey;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_fingerprint_depends_on_key_and_purpose_and_survives_a_rotation() {
        let ring = Keyring::new(MasterKey::generate(), vec![]);
        let other = Keyring::new(MasterKey::generate(), vec![]);
        let f = ring.fingerprint(Purpose::Idempotency, b"input");
        assert_ne!(f, other.fingerprint(Purpose::Idempotency, b"input"), "keyed");
        assert_ne!(f, ring.fingerprint(Purpose::UnlinkedWebhookPassword, b"input"), "per purpose");
        assert_ne!(f, hex::encode(Sha256::digest(b"input")), "not a bare hash");
        let rotated = ring.rotated(MasterKey::generate());
        assert!(rotated.fingerprint_matches(Purpose::Idempotency, b"input", &f));
        assert!(!rotated.fingerprint_matches(Purpose::Idempotency, b"other", &f));
    }
}
