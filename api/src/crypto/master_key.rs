//! The 32-byte master key and its public fingerprint, the key id written into every sealed blob.

use std::fmt;
use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use rand::RngCore as _;
use rand::rngs::OsRng;
use secrecy::SecretString;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Length of a master key in bytes (XChaCha20-Poly1305 takes a 256-bit key).
pub const KEY_LEN: usize = 32;

/// Domain separation for the key id, so it can never collide with another use of SHA-256 over the key.
const KEY_ID_CONTEXT: &[u8] = b"vcslink-master-key-id\0";

/// What goes wrong reading, parsing or storing master keys. Messages never contain key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A key string that is not base64 of exactly 32 bytes.
    #[error("master key is not valid: expected base64 of 32 bytes")]
    Malformed,
    /// An environment variable whose value is not a key.
    #[error("{var} is not valid: expected base64 of 32 bytes")]
    MalformedEnv { var: &'static str },
    /// A line of the key file that is not a key.
    #[error("key file {path} line {line} is not valid: expected base64 of 32 bytes")]
    MalformedLine { path: PathBuf, line: usize },
    /// A key file without any key.
    #[error("key file {path} holds no key")]
    EmptyKeyFile { path: PathBuf },
    /// The key file or its directory could not be read or written.
    #[error("cannot {action} key file {path}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A 256-bit master key. Zeroized on drop; `Debug` shows only the key id.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MasterKey {
    bytes: [u8; KEY_LEN],
}

impl MasterKey {
    /// A fresh key from the operating system's random number generator.
    pub fn generate() -> MasterKey {
        let mut key = MasterKey { bytes: [0; KEY_LEN] };
        OsRng.fill_bytes(&mut key.bytes);
        key
    }

    /// Builds a key from raw bytes (tests, and callers that already hold key material).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> MasterKey {
        MasterKey { bytes }
    }

    /// Parses standard (or URL-safe) base64 of exactly 32 bytes; surrounding whitespace is ignored
    /// because env vars and files often end with a newline.
    pub fn from_base64(encoded: &str) -> Result<MasterKey, KeyError> {
        let encoded = encoded.trim();
        // Decoded bytes are key material: wipe the intermediate buffer whatever happens.
        let decoded = STANDARD
            .decode(encoded)
            .or_else(|_| URL_SAFE.decode(encoded))
            .map(Zeroizing::new)
            .map_err(|_| KeyError::Malformed)?;
        let bytes: [u8; KEY_LEN] = decoded.as_slice().try_into().map_err(|_| KeyError::Malformed)?;
        Ok(MasterKey { bytes })
    }

    /// Standard base64 (44 characters, padded), as written to the key file and `VCSLINK_MASTER_KEY`.
    pub fn to_base64(&self) -> SecretString {
        SecretString::from(Zeroizing::new(STANDARD.encode(self.bytes.as_slice())).as_str())
    }

    /// First 4 bytes of SHA-256(`"vcslink-master-key-id\0"` ‖ key): the key version stored in
    /// every sealed blob so the right key is picked after a rotation. Reveals nothing usable.
    pub fn key_id(&self) -> [u8; 4] {
        let digest = Sha256::new().chain_update(KEY_ID_CONTEXT).chain_update(self.bytes.as_slice()).finalize();
        [digest[0], digest[1], digest[2], digest[3]]
    }

    /// The key id as 8 lowercase hex digits, for logs and error messages.
    pub fn key_id_hex(&self) -> String {
        key_id_hex(self.key_id())
    }

    /// The raw key, for the cipher only.
    pub(crate) fn expose(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }
}

/// Keys compare in constant time, so equality checks cannot leak key bytes through timing.
impl PartialEq for MasterKey {
    fn eq(&self, other: &MasterKey) -> bool {
        self.bytes.ct_eq(&other.bytes).into()
    }
}

impl Eq for MasterKey {}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKey").field("key_id", &self.key_id_hex()).finish_non_exhaustive()
    }
}

/// Formats a key id as 8 lowercase hex digits.
pub(crate) fn key_id_hex(id: [u8; 4]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret as _;

    #[test]
    fn a_key_survives_a_base64_round_trip() {
        let key = MasterKey::generate();
        let encoded = key.to_base64();
        assert_eq!(encoded.expose_secret().len(), 44);
        let back = MasterKey::from_base64(encoded.expose_secret()).unwrap();
        assert_eq!(back, key);
        assert_eq!(back.key_id(), key.key_id());
    }

    #[test]
    fn surrounding_whitespace_and_url_safe_base64_are_accepted() {
        let key = MasterKey::from_bytes([0xfb; KEY_LEN]);
        let standard = key.to_base64().expose_secret().to_owned();
        assert!(standard.contains('+') || standard.contains('/'));
        assert_eq!(MasterKey::from_base64(&format!("  {standard}\n")).unwrap(), key);
        let url_safe = URL_SAFE.encode([0xfb; KEY_LEN]);
        assert_eq!(MasterKey::from_base64(&url_safe).unwrap(), key);
    }

    #[test]
    fn from_base64_refuses_anything_but_32_bytes() {
        let cases = [
            String::new(),
            "not base64!".to_owned(),
            STANDARD.encode([1u8; 31]),
            STANDARD.encode([1u8; 33]),
            STANDARD.encode([1u8; 16]),
        ];
        for case in cases {
            let err = MasterKey::from_base64(&case).unwrap_err();
            assert!(matches!(err, KeyError::Malformed), "{case:?}");
            assert!(err.to_string().contains("expected base64 of 32 bytes"));
        }
    }

    #[test]
    fn the_key_id_is_the_documented_hash_prefix() {
        let key = MasterKey::from_bytes([7; KEY_LEN]);
        let mut hasher = Sha256::new();
        hasher.update(b"vcslink-master-key-id\0");
        hasher.update([7u8; KEY_LEN]);
        let digest = hasher.finalize();
        assert_eq!(key.key_id(), digest[..4]);
        assert_ne!(key.key_id(), MasterKey::from_bytes([8; KEY_LEN]).key_id());
    }

    #[test]
    fn debug_shows_the_key_id_but_never_the_key() {
        let key = MasterKey::from_bytes([0xab; KEY_LEN]);
        let shown = format!("{key:?}");
        assert!(shown.contains(&key.key_id_hex()));
        assert!(!shown.contains(key.to_base64().expose_secret()));
        assert!(!shown.to_lowercase().contains("abab"));
    }
}
