//! The current master key plus the previous ones still needed to open older blobs during a rotation.

use secrecy::{ExposeSecret as _, SecretString};
use zeroize::Zeroize as _;

use super::master_key::MasterKey;
use super::sealed::{self, Aad, SealError, SecretBytes};

/// Seals under the current key; opens under whichever key the blob names.
#[derive(Debug, Clone)]
pub struct Keyring {
    current: MasterKey,
    previous: Vec<MasterKey>,
}

impl Keyring {
    /// A keyring sealing under `current` and also opening blobs sealed under any of `previous`.
    /// Previous keys equal to the current one are dropped, so the key file can list a key twice.
    pub fn new(current: MasterKey, previous: Vec<MasterKey>) -> Keyring {
        let mut previous = previous;
        previous.retain(|key| key != &current);
        Keyring { current, previous }
    }

    /// The key every new blob is sealed under.
    pub fn current(&self) -> &MasterKey {
        &self.current
    }

    /// Keys kept only to open blobs sealed before a rotation.
    pub fn previous(&self) -> &[MasterKey] {
        &self.previous
    }

    /// Every key, current first: the order of the key file's lines.
    pub fn keys(&self) -> Vec<&MasterKey> {
        std::iter::once(&self.current).chain(&self.previous).collect()
    }

    /// The keyring after a rotation to `new`: `new` seals, and the old current key joins the
    /// previous ones so existing blobs keep opening until they are re-sealed.
    pub fn rotated(&self, new: MasterKey) -> Keyring {
        let mut previous = vec![self.current.clone()];
        previous.extend(self.previous.iter().cloned());
        Keyring::new(new, previous)
    }

    /// Seals `plaintext` for the location `aad` under the current key.
    ///
    /// # Panics
    /// Only when `plaintext` exceeds XChaCha20-Poly1305's limit of 256 GiB.
    pub fn seal(&self, aad: &Aad, plaintext: &[u8]) -> Vec<u8> {
        sealed::seal_with(&self.current, aad, plaintext)
    }

    /// Opens a blob sealed for the location `aad` under any key of this keyring.
    pub fn open(&self, aad: &Aad, blob: &[u8]) -> Result<SecretBytes, SealError> {
        let parsed = sealed::parse(blob)?;
        let mut candidates = self.keys().into_iter().filter(|key| key.key_id() == parsed.key_id).peekable();
        if candidates.peek().is_none() {
            return Err(SealError::UnknownKey { key_id: parsed.key_id_hex() });
        }
        // Two keys sharing a 4-byte id is astronomically unlikely, but trying each costs nothing.
        let mut last = SealError::Forged;
        for key in candidates {
            match parsed.open_with(key, aad) {
                Ok(plaintext) => return Ok(plaintext),
                Err(err) => last = err,
            }
        }
        Err(last)
    }

    /// Opens a blob holding UTF-8 text, such as a token.
    pub fn open_string(&self, aad: &Aad, blob: &[u8]) -> Result<SecretString, SealError> {
        let bytes = self.open(aad, blob)?;
        match std::str::from_utf8(bytes.expose_secret()) {
            // `SecretString::from(&str)` copies into an exact-size box; `bytes` wipes itself on drop.
            Ok(text) => Ok(SecretString::from(text)),
            Err(_) => Err(SealError::NotUtf8),
        }
    }

    /// Seals a string for the location `aad`.
    pub fn seal_str(&self, aad: &Aad, plaintext: &str) -> Vec<u8> {
        self.seal(aad, plaintext.as_bytes())
    }

    /// True when `blob` is not a well-formed blob sealed under the current key: sealed under a
    /// previous (or unknown) key, or malformed. `rotate-key` re-seals these; for malformed or
    /// unknown-key blobs its `open` then reports what is wrong instead of skipping them silently.
    pub fn needs_reseal(&self, blob: &[u8]) -> bool {
        match sealed::parse(blob) {
            Ok(parsed) => parsed.key_id != self.current.key_id(),
            Err(_) => true,
        }
    }
}

/// Wipes a plaintext buffer the caller no longer needs; for callers that build secrets in `Vec`s.
pub fn wipe(buffer: &mut Vec<u8>) {
    buffer.zeroize();
}
