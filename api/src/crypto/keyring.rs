//! The current master key plus the previous ones still needed to open older blobs during a rotation.

use secrecy::{ExposeSecret as _, SecretString};

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
        assert_eq!(new.previous(), std::slice::from_ref(old.current()));
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
