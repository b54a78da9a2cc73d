//! Per-token rate limits (`VCSLINK_TOKEN_RATE_LIMIT` requests per second, burst twice that).

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// One limiter per process, keyed by token id; `None` inside when the limit is off (0).
#[derive(Clone)]
pub struct TokenRateLimit(Option<Arc<DefaultKeyedRateLimiter<String>>>);

impl TokenRateLimit {
    pub fn new(per_second: u32) -> TokenRateLimit {
        let Some(rate) = NonZeroU32::new(per_second) else { return TokenRateLimit(None) };
        let burst = NonZeroU32::new(per_second.saturating_mul(2)).unwrap_or(rate);
        TokenRateLimit(Some(Arc::new(RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)))))
    }

    /// `Err(wait)` when the token is over its limit.
    pub fn check(&self, token_id: &str) -> Result<(), Duration> {
        let Some(limiter) = &self.0 else { return Ok(()) };
        limiter
            .check_key(&token_id.to_owned())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_over_its_burst_is_told_how_long_to_wait() {
        let limit = TokenRateLimit::new(2);
        assert!((0..4).all(|_| limit.check("a").is_ok()), "burst of 2x");
        assert!(limit.check("a").is_err());
        assert!(limit.check("b").is_ok(), "tokens are limited separately");
        assert!(TokenRateLimit::new(0).check("a").is_ok(), "0 turns it off");
    }
}
