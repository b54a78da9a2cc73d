//! `Tokens`: verifying API tokens and limiting each one's request rate.

use super::TokenService;
use super::rate_limit::TokenRateLimit;

/// API tokens: the verified-token cache and the per-token rate limit.
#[derive(Clone)]
pub struct Tokens {
    pub service: TokenService,
    pub rate_limit: TokenRateLimit,
}
