//! A keyed rate limit whose key set is bounded and forgets: governor's keyed limiter, swept of keys
//! that are back to a full bucket every few thousand checks, with a cap on how many keys it holds.
//! Over the cap (after a sweep), a key it does not hold yet is refused as over its limit: a flood
//! of new keys costs the flood, never the memory of the process.

use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Checks between sweeps of keys back at a full bucket.
const SWEEP_EVERY: u64 = 4096;
/// What a refused new key is told to wait when the key set is full.
const FULL_WAIT: Duration = Duration::from_secs(1);

/// `per_second` sustained, `burst` at once, per key; at most `max_keys` keys held.
#[derive(Clone)]
pub struct KeyedLimit<K: Hash + Eq + Clone> {
    inner: Option<Arc<Inner<K>>>,
}

struct Inner<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    max_keys: usize,
    checks: AtomicU64,
}

impl<K: Hash + Eq + Clone> KeyedLimit<K> {
    /// `per_second == 0` turns the limit off (every check passes, nothing is held).
    pub fn new(per_second: u32, burst: u32, max_keys: usize) -> KeyedLimit<K> {
        let Some(rate) = NonZeroU32::new(per_second) else { return KeyedLimit { inner: None } };
        let burst = NonZeroU32::new(burst).unwrap_or(rate);
        let limiter = RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst));
        KeyedLimit { inner: Some(Arc::new(Inner { limiter, max_keys, checks: AtomicU64::new(0) })) }
    }

    /// Takes one unit of `key`'s budget; `Err(wait)` when it is spent.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        self.check_n(key, 1)
    }

    /// Takes `n` units of `key`'s budget at once (a batch of `n`); `Err(wait)` when they are not
    /// all there. More than the burst never passes: the wait is that of a full key set.
    pub fn check_n(&self, key: &K, n: usize) -> Result<(), Duration> {
        let Some(inner) = &self.inner else { return Ok(()) };
        let Some(units) = NonZeroU32::new(u32::try_from(n).unwrap_or(u32::MAX)) else { return Ok(()) };
        let checks = inner.checks.fetch_add(1, Ordering::Relaxed);
        if checks % SWEEP_EVERY == SWEEP_EVERY - 1 || inner.limiter.len() >= inner.max_keys {
            inner.sweep();
            if inner.limiter.len() >= inner.max_keys {
                return Err(FULL_WAIT);
            }
        }
        match inner.limiter.check_key_n(key, units) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(not_until.wait_time_from(DefaultClock::default().now())),
            Err(_over_burst) => Err(FULL_WAIT),
        }
    }

    /// How many keys it holds now.
    pub fn len(&self) -> usize {
        self.inner.as_ref().map_or(0, |i| i.limiter.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<K: Hash + Eq + Clone> Inner<K> {
    fn sweep(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_over_its_burst_is_told_how_long_to_wait() {
        let limit = KeyedLimit::new(2, 4, 100);
        assert!((0..4).all(|_| limit.check(&"a").is_ok()), "the burst");
        assert!(limit.check(&"a").is_err());
        assert!(limit.check(&"b").is_ok(), "keys are limited separately");
        assert!(KeyedLimit::new(0, 0, 1).check(&"a").is_ok(), "0 turns it off");
    }

    #[test]
    fn a_hundred_thousand_random_keys_never_hold_more_than_the_cap() {
        let limit = KeyedLimit::new(5, 10, 1000);
        let mut refused = 0;
        for _ in 0..100_000 {
            if limit.check(&uuid::Uuid::new_v4()).is_err() {
                refused += 1;
            }
            assert!(limit.len() <= 1000);
        }
        assert!(refused > 0, "new keys beyond the cap are refused while the set is full");
    }

    #[test]
    fn keys_back_at_a_full_bucket_are_forgotten() {
        let limit = KeyedLimit::new(1000, 1, 10);
        for i in 0..10 {
            assert!(limit.check(&i).is_ok());
        }
        std::thread::sleep(Duration::from_millis(20));
        assert!(limit.check(&99).is_ok(), "a sweep made room: the old keys had refilled");
        assert!(limit.len() <= 2, "{}", limit.len());
    }
}
