//! The sealed-blob format: XChaCha20-Poly1305 under one master key, bound to table, column and row.
//!
//! Layout: `[0x01 format][4-byte key id][24-byte random nonce][ciphertext ‖ 16-byte tag]`.
//! The associated data is the 5-byte header followed by the length-prefixed table, column and
//! row id, so a blob copied to another row, column or table (or relabelled with another key id)
//! does not open.

use chacha20poly1305::aead::{AeadInPlace as _, KeyInit as _};
use chacha20poly1305::{Tag, XChaCha20Poly1305, XNonce};
use rand::RngCore as _;
use rand::rngs::OsRng;
use zeroize::Zeroize as _;

use super::master_key::{MasterKey, key_id_hex};

/// The first byte of every blob written by this version.
pub const FORMAT_V1: u8 = 0x01;

const KEY_ID_LEN: usize = 4;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = 1 + KEY_ID_LEN;
/// Shortest well-formed blob: header, nonce and tag around an empty plaintext.
const MIN_BLOB_LEN: usize = HEADER_LEN + NONCE_LEN + TAG_LEN;

/// A decrypted secret: zeroized on drop, `Debug` redacted. Read it with `secrecy::ExposeSecret`.
pub type SecretBytes = secrecy::SecretSlice<u8>;

/// Why a blob does not open. Messages never contain plaintext or key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// Too short, or not a format this version writes.
    #[error("sealed value is malformed")]
    Malformed,
    /// Sealed under a key that is neither the current nor a previous one.
    #[error("sealed value uses unknown master key {key_id}: add that key as a previous key")]
    UnknownKey { key_id: String },
    /// The tag does not verify.
    #[error("sealed value does not open: wrong key, tampered, or moved from another row")]
    Forged,
    /// The opened bytes are not UTF-8 where a string was expected.
    #[error("sealed value is not utf-8 text")]
    NotUtf8,
}

/// Where a sealed value lives. Part of the authenticated data, so a blob opens only where it was
/// sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aad {
    /// Table name, e.g. `"azure_devops_integrations"`.
    pub table: &'static str,
    /// Column name, e.g. `"pat_sealed"`.
    pub column: &'static str,
    /// The row's primary key, as text.
    pub row_id: String,
}

impl Aad {
    /// The location `table.column` of row `row_id`.
    pub fn new(table: &'static str, column: &'static str, row_id: impl Into<String>) -> Aad {
        Aad { table, column, row_id: row_id.into() }
    }

    /// Header, then each part as a big-endian u32 length and its bytes: unambiguous, so
    /// (`"ab"`, `"c"`) and (`"a"`, `"bc"`) authenticate differently.
    fn encode(&self, header: &[u8]) -> Vec<u8> {
        let parts = [self.table.as_bytes(), self.column.as_bytes(), self.row_id.as_bytes()];
        let mut out = Vec::with_capacity(header.len() + parts.iter().map(|p| 4 + p.len()).sum::<usize>());
        out.extend_from_slice(header);
        for part in parts {
            // Lengths past u32::MAX cannot occur for table names and row ids; saturating keeps the
            // encoding total without a panic path.
            let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(part);
        }
        out
    }
}

/// A blob split into its parts, borrowing from the input.
pub(crate) struct ParsedBlob<'a> {
    pub key_id: [u8; KEY_ID_LEN],
    header: &'a [u8],
    nonce: &'a [u8],
    ciphertext: &'a [u8],
    tag: &'a [u8],
}

/// Splits a blob without trusting any byte of it: every access goes through `get`, so no input panics.
pub(crate) fn parse(blob: &[u8]) -> Result<ParsedBlob<'_>, SealError> {
    if blob.len() < MIN_BLOB_LEN || blob.first() != Some(&FORMAT_V1) {
        return Err(SealError::Malformed);
    }
    let header = blob.get(..HEADER_LEN).ok_or(SealError::Malformed)?;
    let key_id: [u8; KEY_ID_LEN] =
        header.get(1..HEADER_LEN).and_then(|s| s.try_into().ok()).ok_or(SealError::Malformed)?;
    let nonce = blob.get(HEADER_LEN..HEADER_LEN + NONCE_LEN).ok_or(SealError::Malformed)?;
    let body = blob.get(HEADER_LEN + NONCE_LEN..).ok_or(SealError::Malformed)?;
    let split = body.len().checked_sub(TAG_LEN).ok_or(SealError::Malformed)?;
    let (ciphertext, tag) = body.split_at_checked(split).ok_or(SealError::Malformed)?;
    Ok(ParsedBlob { key_id, header, nonce, ciphertext, tag })
}

impl ParsedBlob<'_> {
    /// The key id as hex, for [`SealError::UnknownKey`].
    pub fn key_id_hex(&self) -> String {
        key_id_hex(self.key_id)
    }

    /// Decrypts with `key`. The plaintext buffer is allocated at its exact size so that turning
    /// it into a secret never reallocates and leaves an unwiped copy behind.
    pub fn open_with(&self, key: &MasterKey, aad: &Aad) -> Result<SecretBytes, SealError> {
        let cipher = XChaCha20Poly1305::new(key.expose().into());
        let mut buffer = self.ciphertext.to_vec();
        let result = cipher.decrypt_in_place_detached(
            XNonce::from_slice(self.nonce),
            &aad.encode(self.header),
            &mut buffer,
            Tag::from_slice(self.tag),
        );
        match result {
            Ok(()) => Ok(SecretBytes::from(buffer)),
            Err(_) => {
                buffer.zeroize();
                Err(SealError::Forged)
            }
        }
    }
}

/// Seals `plaintext` under `key` with a fresh random nonce.
///
/// # Panics
/// Only when `plaintext` exceeds XChaCha20-Poly1305's limit of 256 GiB, which no secret approaches.
pub(crate) fn seal_with(key: &MasterKey, aad: &Aad, plaintext: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let mut blob = Vec::with_capacity(MIN_BLOB_LEN + plaintext.len());
    blob.push(FORMAT_V1);
    blob.extend_from_slice(&key.key_id());
    blob.extend_from_slice(&nonce);
    let body_start = blob.len();
    blob.extend_from_slice(plaintext);
    let (head, body) = blob.split_at_mut(body_start);
    let cipher = XChaCha20Poly1305::new(key.expose().into());
    let associated = aad.encode(&head[..HEADER_LEN]);
    match cipher.encrypt_in_place_detached(XNonce::from_slice(&nonce), &associated, body) {
        Ok(tag) => blob.extend_from_slice(&tag),
        Err(_) => {
            // The buffer still holds plaintext here: wipe it before giving up.
            blob.zeroize();
            panic!("plaintext exceeds the XChaCha20-Poly1305 length limit");
        }
    }
    blob
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret as _;

    fn aad() -> Aad {
        Aad::new("integrations", "pat_sealed", "row-1")
    }

    #[test]
    fn a_blob_has_the_documented_layout() {
        let key = MasterKey::from_bytes([3; 32]);
        let blob = seal_with(&key, &aad(), b"hello");
        assert_eq!(blob.len(), 1 + 4 + 24 + 5 + 16);
        assert_eq!(blob[0], FORMAT_V1);
        assert_eq!(blob[1..5], key.key_id());
        let parsed = parse(&blob).unwrap();
        assert_eq!(parsed.open_with(&key, &aad()).unwrap().expose_secret(), b"hello");
    }

    #[test]
    fn two_seals_of_the_same_value_differ() {
        let key = MasterKey::generate();
        assert_ne!(seal_with(&key, &aad(), b"same"), seal_with(&key, &aad(), b"same"));
    }

    #[test]
    fn the_aad_encoding_is_unambiguous() {
        let a = Aad::new("ab", "c", "1").encode(&[1]);
        let b = Aad::new("a", "bc", "1").encode(&[1]);
        let c = Aad::new("a", "b", "c1").encode(&[1]);
        assert_ne!(a, b);
        assert_ne!(b, c);
        assert_ne!(a, c);
    }

    #[test]
    fn parse_never_panics_on_any_short_or_odd_input() {
        for len in 0..(MIN_BLOB_LEN + 3) {
            for fill in [0u8, 1, 0xff] {
                let blob = vec![fill; len];
                let result = parse(&blob);
                if len < MIN_BLOB_LEN || fill != FORMAT_V1 {
                    assert!(matches!(result, Err(SealError::Malformed)), "len {len} fill {fill}");
                } else {
                    assert!(result.is_ok());
                }
            }
        }
    }

    #[test]
    fn an_empty_plaintext_round_trips() {
        let key = MasterKey::generate();
        let blob = seal_with(&key, &aad(), b"");
        assert_eq!(blob.len(), MIN_BLOB_LEN);
        assert!(parse(&blob).unwrap().open_with(&key, &aad()).unwrap().expose_secret().is_empty());
    }
}
