//! How an automation's send is signed, as Stripe and Slack sign theirs: the send carries
//! `X-Vcslink-Timestamp: <unix seconds>` and
//! `X-Vcslink-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. A receiver
//! recomputes the HMAC over the timestamp header, a dot and the raw body, compares in constant
//! time, and refuses a timestamp more than [`TOLERANCE`] away from its own clock: a captured send
//! cannot be replayed later.

use std::time::Duration;

use crate::crypto::mac::hmac_sha256;

/// How far from the receiver's clock a timestamp is still accepted (documented for receivers).
pub const TOLERANCE: Duration = Duration::from_secs(300);

/// The `X-Vcslink-Signature` value (without `sha256=`) of `body` sent at `timestamp`.
pub fn sign(key: &[u8], timestamp: i64, body: &[u8]) -> String {
    hex::encode(hmac_sha256(key, &signed_content(timestamp, body)))
}

/// What is signed: the timestamp's decimal digits, a dot, then the body.
fn signed_content(timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut content = format!("{timestamp}.").into_bytes();
    content.extend_from_slice(body);
    content
}

/// Why a receiver refuses a send.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("X-Vcslink-Timestamp is missing or not a number")]
    NoTimestamp,
    #[error("X-Vcslink-Timestamp is more than {} seconds from now", TOLERANCE.as_secs())]
    Stale,
    #[error("X-Vcslink-Signature does not match")]
    Signature,
}

/// A receiver's check of a send (what the docs describe), with its clock at `now` (unix seconds).
pub fn verify(key: &[u8], timestamp: &str, signature: &str, body: &[u8], now: i64) -> Result<(), Refused> {
    let ts: i64 = timestamp.trim().parse().map_err(|_| Refused::NoTimestamp)?;
    if now.abs_diff(ts) > TOLERANCE.as_secs() {
        return Err(Refused::Stale);
    }
    let expected = format!("sha256={}", sign(key, ts, body));
    let same: bool = subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), signature.trim().as_bytes()).into();
    if same { Ok(()) } else { Err(Refused::Signature) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_806_400;

    #[test]
    fn a_send_verifies_within_the_tolerance_only() {
        let sig = format!("sha256={}", sign(b"k", NOW, b"{}"));
        assert_eq!(verify(b"k", &NOW.to_string(), &sig, b"{}", NOW + 299), Ok(()));
        assert_eq!(verify(b"k", &NOW.to_string(), &sig, b"{}", NOW + 301), Err(Refused::Stale));
        assert_eq!(verify(b"k", &NOW.to_string(), &sig, b"{}", NOW - 301), Err(Refused::Stale));
    }

    #[test]
    fn the_timestamp_is_signed_with_the_body() {
        let sig = format!("sha256={}", sign(b"k", NOW, b"{}"));
        assert_eq!(
            verify(b"k", &(NOW + 1).to_string(), &sig, b"{}", NOW),
            Err(Refused::Signature),
            "a moved timestamp"
        );
        assert_eq!(verify(b"k", &NOW.to_string(), &sig, b"{ }", NOW), Err(Refused::Signature), "another body");
        assert_eq!(verify(b"other", &NOW.to_string(), &sig, b"{}", NOW), Err(Refused::Signature));
        assert_eq!(verify(b"k", "soon", &sig, b"{}", NOW), Err(Refused::NoTimestamp));
        assert_eq!(sign(b"k", NOW, b"{}"), hex::encode(hmac_sha256(b"k", b"1764806400.{}")));
    }
}
