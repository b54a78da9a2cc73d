//! The current master key plus the previous ones still needed to open older blobs during a rotation.
//!
//! A running server learns new keys without a restart: a keyring loaded from the key file re-reads
//! it when asked ([`Keyring::reload`], on a timer and on SIGHUP) and, at once, when a blob names a
//! key it does not hold yet (another process rotated). It then seals with the newest key it knows.

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret as _, SecretString};

use super::key_file::KeyFile;
use super::master_key::{KeyError, MasterKey};
use super::sealed::{self, Aad, SealError, SecretBytes};

/// Shortest time between two reloads a blob under an unknown key may trigger.
const UNKNOWN_KEY_RELOAD_GAP: Duration = Duration::from_millis(200);

/// Seals under the current key; opens under whichever key the blob names.
pub struct Keyring {
    keys: RwLock<Arc<Keys>>,
    /// The key file this keyring was loaded from, re-read by [`Keyring::reload`].
    source: Option<Source>,
}

struct Source {
    file: KeyFile,
    last_unknown_key_reload: Mutex<Option<Instant>>,
}

#[derive(Clone, PartialEq, Eq)]
struct Keys {
    current: MasterKey,
    previous: Vec<MasterKey>,
}

/// What a reload found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reloaded {
    /// The key file holds the keys already in use (or the keyring has no key file).
    Unchanged,
    /// New keys are in use; `current` is the id (hex) of the key new blobs are sealed under.
    Changed { current: String },
}

impl Clone for Keyring {
    /// A copy of the keys, detached from the key file.
    fn clone(&self) -> Keyring {
        Keyring { keys: RwLock::new(self.snapshot()), source: None }
    }
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys = self.snapshot();
        f.debug_struct("Keyring")
            .field("current", &keys.current)
            .field("previous", &keys.previous)
            .field("reloads", &self.source.as_ref().map(|s| s.file.path().to_path_buf()))
            .finish()
    }
}

impl Keyring {
    /// A keyring sealing under `current` and also opening blobs sealed under any of `previous`.
    /// Previous keys equal to the current one are dropped, so the key file can list a key twice.
    pub fn new(current: MasterKey, previous: Vec<MasterKey>) -> Keyring {
        Keyring { keys: RwLock::new(Arc::new(Keys::new(current, previous))), source: None }
    }

    /// This keyring, re-reading `file` on [`Keyring::reload`] and when a blob names a key it lacks.
    pub fn reloading_from(mut self, file: KeyFile) -> Keyring {
        self.source = Some(Source { file, last_unknown_key_reload: Mutex::new(None) });
        self
    }

    fn snapshot(&self) -> Arc<Keys> {
        match self.keys.read() {
            Ok(keys) => keys.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The key every new blob is sealed under.
    pub fn current(&self) -> MasterKey {
        self.snapshot().current.clone()
    }

    /// Keys kept only to open blobs sealed before a rotation.
    pub fn previous(&self) -> Vec<MasterKey> {
        self.snapshot().previous.clone()
    }

    /// Every key, current first: the order of the key file's lines.
    pub fn keys(&self) -> Vec<MasterKey> {
        let keys = self.snapshot();
        std::iter::once(keys.current.clone()).chain(keys.previous.iter().cloned()).collect()
    }

    /// The keyring after a rotation to `new`: `new` seals, and the old current key joins the
    /// previous ones so existing blobs keep opening until they are re-sealed.
    pub fn rotated(&self, new: MasterKey) -> Keyring {
        Keyring::new(new, self.keys())
    }

    /// Re-reads the key file and uses its keys from now on: its first key seals, every key it
    /// lists opens. A keyring without a key file is unchanged. A key the file no longer lists is
    /// forgotten: `rotate-key --finish` drops a key only once no blob names it.
    pub fn reload(&self) -> Result<Reloaded, KeyError> {
        let Some(source) = &self.source else { return Ok(Reloaded::Unchanged) };
        let loaded = source.file.load()?.snapshot();
        let mut keys = match self.keys.write() {
            Ok(keys) => keys,
            Err(poisoned) => poisoned.into_inner(),
        };
        if **keys == *loaded {
            return Ok(Reloaded::Unchanged);
        }
        let current = loaded.current.key_id_hex();
        *keys = loaded;
        Ok(Reloaded::Changed { current })
    }

    /// Reloads for a blob under a key this keyring lacks, at most once per short gap (a blob
    /// under a truly unknown key must not turn every open into a file read).
    fn reload_for_unknown_key(&self) -> bool {
        let Some(source) = &self.source else { return false };
        {
            let mut last = match source.last_unknown_key_reload.lock() {
                Ok(last) => last,
                Err(poisoned) => poisoned.into_inner(),
            };
            if last.is_some_and(|at| at.elapsed() < UNKNOWN_KEY_RELOAD_GAP) {
                return false;
            }
            *last = Some(Instant::now());
        }
        match self.reload() {
            Ok(Reloaded::Changed { current }) => {
                tracing::info!(current = %current, "learned new master keys from the key file");
                true
            }
            Ok(Reloaded::Unchanged) => false,
            Err(e) => {
                tracing::warn!(error = %e, "re-reading the key file failed");
                false
            }
        }
    }

    /// Seals `plaintext` for the location `aad` under the current key.
    ///
    /// # Panics
    /// Only when `plaintext` exceeds XChaCha20-Poly1305's limit of 256 GiB.
    pub fn seal(&self, aad: &Aad, plaintext: &[u8]) -> Vec<u8> {
        sealed::seal_with(&self.snapshot().current, aad, plaintext)
    }

    /// Opens a blob sealed for the location `aad` under any key of this keyring; a blob under a
    /// key it lacks first makes it re-read its key file.
    pub fn open(&self, aad: &Aad, blob: &[u8]) -> Result<SecretBytes, SealError> {
        match self.snapshot().open(aad, blob) {
            Err(SealError::UnknownKey { .. }) if self.reload_for_unknown_key() => self.snapshot().open(aad, blob),
            other => other,
        }
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
            Ok(parsed) => parsed.key_id != self.snapshot().current.key_id(),
            Err(_) => true,
        }
    }
}

impl Keys {
    fn new(current: MasterKey, mut previous: Vec<MasterKey>) -> Keys {
        previous.retain(|key| key != &current);
        let mut unique: Vec<MasterKey> = Vec::with_capacity(previous.len());
        for key in previous {
            if !unique.contains(&key) {
                unique.push(key);
            }
        }
        Keys { current, previous: unique }
    }

    fn open(&self, aad: &Aad, blob: &[u8]) -> Result<SecretBytes, SealError> {
        let parsed = sealed::parse(blob)?;
        let keys = std::iter::once(&self.current).chain(&self.previous);
        let mut candidates = keys.filter(|key| key.key_id() == parsed.key_id).peekable();
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat_of(row: &str) -> Aad {
        Aad::new("integrations", "pat_sealed", row)
    }

    #[test]
    fn a_sealed_value_opens_where_it_was_sealed() {
        let keyring = Keyring::new(MasterKey::generate(), vec![]);
        let blob = keyring.seal(&pat_of("row-1"), b"s3cret-pat");
        let opened = keyring.open(&pat_of("row-1"), &blob).unwrap();
        assert_eq!(opened.expose_secret(), b"s3cret-pat");
        let text = keyring.open_string(&pat_of("row-1"), &blob).unwrap();
        assert_eq!(text.expose_secret(), "s3cret-pat");
        assert!(!keyring.needs_reseal(&blob));
    }

    #[test]
    fn a_blob_moved_to_another_row_column_or_table_does_not_open() {
        let keyring = Keyring::new(MasterKey::generate(), vec![]);
        let blob = keyring.seal(&pat_of("row-1"), b"s3cret");
        let elsewhere = [
            pat_of("row-2"),
            Aad::new("integrations", "client_secret_sealed", "row-1"),
            Aad::new("user_authorizations", "pat_sealed", "row-1"),
        ];
        for aad in elsewhere {
            let err = keyring.open(&aad, &blob).unwrap_err();
            assert_eq!(err, SealError::Forged, "{aad:?}");
            assert!(err.to_string().contains("moved from another row"));
        }
    }

    #[test]
    fn any_flipped_bit_after_the_format_byte_is_detected() {
        let keyring = Keyring::new(MasterKey::generate(), vec![]);
        let blob = keyring.seal(&pat_of("row-1"), b"s3cret");
        for index in 1..blob.len() {
            let mut tampered = blob.clone();
            tampered[index] ^= 0x01;
            let err = keyring.open(&pat_of("row-1"), &tampered).unwrap_err();
            // A flipped key-id byte names a key we do not hold; anything else fails the tag.
            let expected_unknown = (1..5).contains(&index);
            assert_eq!(matches!(err, SealError::UnknownKey { .. }), expected_unknown, "byte {index}: {err:?}");
            assert_eq!(err == SealError::Forged, !expected_unknown, "byte {index}");
        }
    }

    #[test]
    fn a_blob_under_a_key_we_do_not_hold_names_its_key_id() {
        let stranger = MasterKey::generate();
        let blob = Keyring::new(stranger.clone(), vec![]).seal(&pat_of("row-1"), b"x");
        let keyring = Keyring::new(MasterKey::generate(), vec![MasterKey::generate()]);
        let err = keyring.open(&pat_of("row-1"), &blob).unwrap_err();
        assert_eq!(err, SealError::UnknownKey { key_id: stranger.key_id_hex() });
        assert!(keyring.needs_reseal(&blob));
    }

    #[test]
    fn a_blob_under_a_previous_key_opens_and_needs_reseal() {
        let old = Keyring::new(MasterKey::generate(), vec![]);
        let blob = old.seal(&pat_of("row-1"), b"old secret");
        let new = old.rotated(MasterKey::generate());
        assert_eq!(new.previous(), [old.current()]);
        assert_eq!(new.open(&pat_of("row-1"), &blob).unwrap().expose_secret(), b"old secret");
        assert!(new.needs_reseal(&blob));
        let resealed = new.seal(&pat_of("row-1"), b"old secret");
        assert!(!new.needs_reseal(&resealed));
        assert_eq!(
            old.open(&pat_of("row-1"), &resealed).unwrap_err(),
            SealError::UnknownKey { key_id: new.current().key_id_hex() }
        );
    }

    #[test]
    fn malformed_blobs_are_refused_without_panicking() {
        let keyring = Keyring::new(MasterKey::generate(), vec![]);
        let good = keyring.seal(&pat_of("row-1"), b"abc");
        let mut wrong_format = good.clone();
        wrong_format[0] = 0x02;
        let cases: Vec<Vec<u8>> = vec![vec![], vec![0x01], good[..20].to_vec(), good[..44].to_vec(), wrong_format];
        for blob in cases {
            assert_eq!(keyring.open(&pat_of("row-1"), &blob).unwrap_err(), SealError::Malformed, "{blob:?}");
            assert!(keyring.needs_reseal(&blob));
        }
    }

    #[test]
    fn open_string_refuses_bytes_that_are_not_utf8() {
        let keyring = Keyring::new(MasterKey::generate(), vec![]);
        let blob = keyring.seal(&pat_of("row-1"), &[0xff, 0xfe]);
        assert_eq!(keyring.open_string(&pat_of("row-1"), &blob).unwrap_err(), SealError::NotUtf8);
    }

    #[test]
    fn a_previous_key_equal_to_the_current_one_is_dropped() {
        let key = MasterKey::generate();
        let keyring = Keyring::new(key.clone(), vec![key.clone(), MasterKey::generate()]);
        assert_eq!(keyring.previous().len(), 1);
        assert_eq!(keyring.keys().len(), 2);
    }

    #[test]
    fn debug_never_shows_key_material() {
        let key = MasterKey::from_bytes([0x5a; 32]);
        let shown = format!("{:?}", Keyring::new(key.clone(), vec![]));
        assert!(!shown.contains(key.to_base64().expose_secret()));
        assert!(!shown.contains("90, 90"));
    }
}
