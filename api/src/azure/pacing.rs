//! Pacing per identity: `Retry-After` and `X-RateLimit-*` on an answer delay that identity's later calls.
//!
//! Azure DevOps first delays an identity past its budget and still answers 200, with
//! `Retry-After`, `X-RateLimit-Delay` and `X-RateLimit-Remaining: 0`; only later it blocks
//! with 429 (`docs/integrate/concepts/rate-limits.md`: "The response still returns HTTP 200").
//! Identities are keyed by a SHA-256 of their `Authorization` header, never the secret itself.

use std::time::{Duration, Instant};

use moka::sync::Cache;
use reqwest::header::{HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};

use super::error::retry_after;

/// The longest pause taken from `X-RateLimit-Reset` alone: the docs' longest single delay.
const MAX_RESET_PAUSE: Duration = Duration::from_secs(30);

/// Who is paced: a digest of the credential's header value.
pub type IdentityKey = [u8; 32];

/// `None` for anonymous calls (they are not one identity).
pub fn identity_key(authorization: Option<&HeaderValue>) -> Option<IdentityKey> {
    authorization.map(|v| Sha256::digest(v.as_bytes()).into())
}

/// When each identity may call again. Bounded: 10 000 identities, forgotten after 10 minutes.
#[derive(Clone, Debug)]
pub struct Pacer {
    not_before: Cache<IdentityKey, Instant>,
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer { not_before: Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(600)).build() }
    }
}

impl Pacer {
    /// How long `key` must still wait before its next call (`None`: it may call now).
    pub fn wait(&self, key: &IdentityKey) -> Option<Duration> {
        self.wait_at(key, Instant::now())
    }

    /// Reads an answer's pacing headers (any status) and pushes `key`'s next call back accordingly.
    pub fn observe(&self, key: &IdentityKey, headers: &HeaderMap) {
        self.observe_at(key, headers, Instant::now());
    }

    fn wait_at(&self, key: &IdentityKey, now: Instant) -> Option<Duration> {
        let until = self.not_before.get(key)?;
        let left = until.saturating_duration_since(now);
        (!left.is_zero()).then_some(left)
    }

    fn observe_at(&self, key: &IdentityKey, headers: &HeaderMap, now: Instant) {
        let Some(pause) = pause_from(headers, chrono::Utc::now().timestamp()) else { return };
        let until = now + pause;
        let later = self.not_before.get(key).is_none_or(|current| current < until);
        if later {
            self.not_before.insert(*key, until);
        }
    }
}

/// The pause an answer asks for: `Retry-After`; else the delay Azure DevOps applied
/// (`X-RateLimit-Delay`, seconds with milliseconds); else, with `X-RateLimit-Remaining: 0`,
/// until `X-RateLimit-Reset` (Unix seconds), at most [`MAX_RESET_PAUSE`].
fn pause_from(headers: &HeaderMap, now_unix: i64) -> Option<Duration> {
    if let Some(after) = retry_after(headers).filter(|d| !d.is_zero()) {
        return Some(after);
    }
    let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<f64>().ok().filter(|n| n.is_finite());
    if let Some(delay) = number("x-ratelimit-delay").filter(|d| *d > 0.0) {
        return Some(Duration::from_secs_f64(delay.min(MAX_RESET_PAUSE.as_secs_f64())));
    }
    if number("x-ratelimit-remaining") == Some(0.0) {
        let reset = number("x-ratelimit-reset")? as i64;
        let left = u64::try_from(reset.saturating_sub(now_unix)).ok().filter(|s| *s > 0)?;
        return Some(Duration::from_secs(left).min(MAX_RESET_PAUSE));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn a_pause_comes_from_retry_after_then_the_delay_then_the_reset_when_nothing_remains() {
        let now = 1_741_093_000;
        assert_eq!(pause_from(&headers(&[("retry-after", "3")]), now), Some(Duration::from_secs(3)));
        let delayed = headers(&[("x-ratelimit-delay", "0.25"), ("x-ratelimit-remaining", "0")]);
        assert_eq!(pause_from(&delayed, now), Some(Duration::from_millis(250)));
        let spent = headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1741093012")]);
        assert_eq!(pause_from(&spent, now), Some(Duration::from_secs(12)));
        let far = headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1741099999")]);
        assert_eq!(pause_from(&far, now), Some(MAX_RESET_PAUSE));
        let plenty = headers(&[("x-ratelimit-remaining", "150"), ("x-ratelimit-reset", "1741093012")]);
        assert_eq!(pause_from(&plenty, now), None);
        assert_eq!(pause_from(&HeaderMap::new(), now), None);
    }

    #[test]
    fn a_200_with_retry_after_delays_only_that_identitys_later_calls() {
        let pacer = Pacer::default();
        let dana = identity_key(Some(&HeaderValue::from_static("Basic OmRhbmE="))).unwrap();
        let lee = identity_key(Some(&HeaderValue::from_static("Basic OmxlZQ=="))).unwrap();
        let t0 = Instant::now();
        pacer.observe_at(&dana, &headers(&[("retry-after", "3")]), t0);
        assert_eq!(pacer.wait_at(&dana, t0), Some(Duration::from_secs(3)));
        assert_eq!(pacer.wait_at(&lee, t0), None);
        let t2 = t0 + Duration::from_secs(2);
        assert_eq!(pacer.wait_at(&dana, t2), Some(Duration::from_secs(1)));
        // A shorter pause never shortens a longer one.
        pacer.observe_at(&dana, &headers(&[("x-ratelimit-delay", "0.1")]), t2);
        assert_eq!(pacer.wait_at(&dana, t2), Some(Duration::from_secs(1)));
        assert_eq!(pacer.wait_at(&dana, t0 + Duration::from_secs(3)), None);
    }

    #[test]
    fn the_identity_key_is_a_digest_never_the_credential() {
        let header = HeaderValue::from_static("Basic OnMzY3IzdHBhdA==");
        let key = identity_key(Some(&header)).unwrap();
        assert!(!key.windows(8).any(|w| header.as_bytes().windows(8).any(|h| h == w)));
        assert_eq!(identity_key(None), None);
    }
}
