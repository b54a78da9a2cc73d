//! The read cache: bounded, per (integration, identity, request), with single flight and ETags.
//!
//! `fresh` answers within the TTL without asking Azure DevOps; concurrent identical misses share
//! one upstream call (moka's `try_get_with`). `validators` keeps answers that carried an ETag a
//! while longer, so a refetch after the TTL can ask `If-None-Match` and reuse the body on 304.

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;

/// What identifies one cached answer. `repository` (an id, lower-cased) lets webhooks drop every
/// answer about one repository.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct Key {
    pub integration: String,
    pub identity: String,
    pub url: String,
    pub repository: Option<String>,
}

/// One cached answer: the body, the next-page token, and the validator.
#[derive(Debug)]
pub struct Answer {
    pub body: Vec<u8>,
    pub continuation_token: Option<String>,
    pub etag: Option<String>,
}

#[derive(Clone)]
pub struct ReadCache {
    pub(super) fresh: Cache<Key, Arc<Answer>>,
    pub(super) validators: Cache<Key, Arc<Answer>>,
}

impl ReadCache {
    pub fn new(ttl: Duration, max_entries: u64) -> ReadCache {
        let fresh =
            Cache::builder().max_capacity(max_entries).time_to_live(ttl).support_invalidation_closures().build();
        let validators =
            Cache::builder().max_capacity(max_entries).time_to_live(ttl * 20).support_invalidation_closures().build();
        ReadCache { fresh, validators }
    }

    /// Drops every answer about `repository` of `integration`.
    pub fn invalidate_repository(&self, integration: &str, repository: &str) {
        for cache in [&self.fresh, &self.validators] {
            let (i, r) = (integration.to_owned(), repository.to_ascii_lowercase());
            // Only fails when closures are not enabled, which `new` does.
            let _ = cache.invalidate_entries_if(move |k, _| k.integration == i && k.repository.as_deref() == Some(&r));
        }
    }

    /// Drops every answer of an integration (its credential changed or failed).
    pub fn invalidate_integration(&self, integration: &str) {
        for cache in [&self.fresh, &self.validators] {
            let i = integration.to_owned();
            let _ = cache.invalidate_entries_if(move |k, _| k.integration == i);
        }
    }
}
