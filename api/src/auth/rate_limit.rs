//! Per-token rate limits (`VCSLINK_TOKEN_RATE_LIMIT` requests per second, burst twice that).

use std::time::Duration;

use crate::keyed_limit::KeyedLimit;

/// Token ids held at most (far above any tenant's token count; idle ones are forgotten).
const MAX_KEYS: usize = 100_000;

/// One limiter per process, keyed by token id (or any other id: the webhook edge keys it by
/// integration); off at 0.
#[derive(Clone)]
pub struct TokenRateLimit(KeyedLimit<String>);

impl TokenRateLimit {
    pub fn new(per_second: u32) -> TokenRateLimit {
        TokenRateLimit(KeyedLimit::new(per_second, per_second.saturating_mul(2), MAX_KEYS))
    }

    /// `Err(wait)` when the token is over its limit.
    pub fn check(&self, token_id: &str) -> Result<(), Duration> {
        self.0.check(&token_id.to_owned())
    }

    /// Takes `n` units at once (a batch of `n` operations).
    pub fn check_n(&self, token_id: &str, n: usize) -> Result<(), Duration> {
        self.0.check_n(&token_id.to_owned(), n)
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

    #[test]
    fn a_batch_takes_one_unit_per_operation() {
        let limit = TokenRateLimit::new(2);
        assert!(limit.check_n("a", 3).is_ok());
        assert!(limit.check_n("a", 2).is_err(), "1 of the burst of 4 is left");
        assert!(limit.check_n("a", 1).is_ok());
        assert!(limit.check_n("b", 5).is_err(), "a batch over the burst never passes");
    }
}
