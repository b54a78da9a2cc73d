//! The issuer's RSA signing keys, derived from the master keys: the key of a master key is
//! generated (2048 bits, e = 65537) from a ChaCha20 stream seeded with HMAC(master key, label), so
//! nothing more is stored and every replica holding the keyring signs with the same key. The
//! current master key's key signs; every key of the ring is published, so a rotation keeps the
//! previous one verifiable until `rotate-key --finish` drops its master key. Keys are made once per
//! process and master key.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20::ChaCha20Rng;
use jsonwebtoken::EncodingKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::rand_core::SeedableRng;
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256};

use crate::crypto::Keyring;
use crate::crypto::mac::hmac_sha256;

const LABEL: &[u8] = b"vcslink oidc signing key v1";
const BITS: usize = 2048;

/// One signing key: its id, the key to sign with, and its public JWK.
pub struct SigningKey {
    pub kid: String,
    pub encoding: EncodingKey,
    pub jwk: serde_json::Value,
}

fn cache() -> &'static Mutex<HashMap<[u8; 32], Arc<SigningKey>>> {
    static CACHE: std::sync::OnceLock<Mutex<HashMap<[u8; 32], Arc<SigningKey>>>> = std::sync::OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The key derived from one master key.
fn derive(master: &[u8]) -> Result<Arc<SigningKey>, String> {
    let seed = hmac_sha256(master, LABEL);
    let index: [u8; 32] = Sha256::digest(seed).into();
    if let Some(known) = cache().lock().unwrap_or_else(|e| e.into_inner()).get(&index) {
        return Ok(known.clone());
    }
    let mut rng = ChaCha20Rng::from_seed(seed);
    let private = rsa::PrivateKey::new(&mut rng, BITS).map_err(|e| e.to_string())?;
    let der = private.to_pkcs1_der().map_err(|e| e.to_string())?;
    let (n, e) = (URL_SAFE_NO_PAD.encode(private.n_bytes()), URL_SAFE_NO_PAD.encode(private.e_bytes()));
    let kid = URL_SAFE_NO_PAD.encode(&Sha256::digest(format!("{n}.{e}").as_bytes())[..16]);
    let jwk = serde_json::json!({ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": n, "e": e });
    let key = Arc::new(SigningKey { kid, encoding: EncodingKey::from_rsa_der(der.as_bytes()), jwk });
    cache().lock().unwrap_or_else(|e| e.into_inner()).insert(index, key.clone());
    Ok(key)
}

/// The key that signs now (the current master key's).
pub fn current(keyring: &Keyring) -> Result<Arc<SigningKey>, String> {
    derive(keyring.current().expose())
}

/// Every key a verifier may meet: the current one first, then the previous master keys'.
pub fn published(keyring: &Keyring) -> Result<Vec<Arc<SigningKey>>, String> {
    keyring.keys().iter().map(|k| derive(k.expose())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::MasterKey;

    #[test]
    fn keys_follow_the_master_keys_and_a_rotation_keeps_the_previous_one_published() {
        let ring = Keyring::new(MasterKey::generate(), vec![]);
        let first = current(&ring).unwrap();
        assert_eq!(current(&ring).unwrap().kid, first.kid, "the same master key, the same key");
        let rotated = ring.rotated(MasterKey::generate());
        let second = current(&rotated).unwrap();
        assert_ne!(second.kid, first.kid);
        let kids: Vec<String> = published(&rotated).unwrap().iter().map(|k| k.kid.clone()).collect();
        assert_eq!(kids, [second.kid.clone(), first.kid.clone()]);
        assert_eq!(second.jwk["alg"], "RS256");
    }
}
