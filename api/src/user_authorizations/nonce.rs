//! A sign-in's OpenID Connect `nonce`: a keyed fingerprint of its state, so nothing more is stored,
//! and an ID token from any other sign-in (or replayed from an earlier one) does not match.

use crate::crypto::Keyring;
use crate::crypto::mac::Purpose;

/// The nonce sent with the sign-in whose state is `state`.
pub fn of(keyring: &Keyring, state: &str) -> String {
    keyring.fingerprint(Purpose::SignInNonce, state.as_bytes())
}

/// Whether `nonce` is the one sent with `state` (under any key of the ring: a rotation may happen
/// during the sign-in).
pub fn matches(keyring: &Keyring, state: &str, nonce: &str) -> bool {
    keyring.fingerprint_matches(Purpose::SignInNonce, state.as_bytes(), nonce)
}
