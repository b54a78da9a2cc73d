//! The read cache: bounded, per (integration, identity, request), with single flight and ETags.
//!
//! `fresh` answers within the TTL without asking Azure DevOps; concurrent identical misses share
//! one upstream call (moka's `try_get_with`). `validators` keeps answers that carried an ETag a
//! while longer, so a refetch after the TTL can ask `If-None-Match` and reuse the body on 304.

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

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

/// An answer and when it was asked for: answers asked for before their repository or integration
/// was last dropped are stale.
#[derive(Clone, Debug)]
pub struct Stamped {
    pub answer: Arc<Answer>,
    pub asked_at: Instant,
}

#[derive(Clone)]
pub struct ReadCache {
    pub(super) fresh: Cache<Key, Stamped>,
    pub(super) validators: Cache<Key, Stamped>,
    /// When each repository, or a whole integration, was last dropped, under a hash of its name
    /// (a collision only makes an answer stale early).
    dropped: moka::sync::Cache<u64, Instant>,
}

impl ReadCache {
    /// Answers weigh their bytes: `fresh` and `validators` hold at most half of `max_bytes` each
    /// (an answer in both is one allocation, counted twice), whatever their number.
    pub fn new(ttl: Duration, max_bytes: u64) -> ReadCache {
        let keep = ttl * 20;
        let half = (max_bytes / 2).max(1);
        ReadCache {
            fresh: Cache::builder().max_capacity(half).weigher(weight).time_to_live(ttl).build(),
            validators: Cache::builder().max_capacity(half).weigher(weight).time_to_live(keep).build(),
            // A mark outlives every answer it could make stale; were one evicted early, an answer
            // would only live out its TTL, as any cached answer may.
            dropped: moka::sync::Cache::builder().max_capacity(MAX_MARKS).time_to_live(keep).build(),
        }
    }

    /// Drops every answer about `repository` of `integration`. A webhook does this per push, so it
    /// is one mark, not a scan (moka's `invalidate_entries_if` kept a closure per call until its
    /// next maintenance: about a kilobyte per delivery, unbounded while nothing read the cache).
    pub fn invalidate_repository(&self, integration: &str, repository: &str) {
        self.dropped.insert(scope(integration, Some(&repository.to_ascii_lowercase())), Instant::now());
    }

    /// Drops every answer of an integration (its credential changed or failed).
    pub fn invalidate_integration(&self, integration: &str) {
        self.dropped.insert(scope(integration, None), Instant::now());
    }

    /// Whether `answer`, cached under `key`, was asked for after its repository and integration
    /// were last dropped.
    pub(super) fn is_current(&self, key: &Key, answer: &Stamped) -> bool {
        let dropped_since = |scope| self.dropped.get(&scope).is_some_and(|at| at >= answer.asked_at);
        !dropped_since(scope(&key.integration, None))
            && !key.repository.as_deref().is_some_and(|r| dropped_since(scope(&key.integration, Some(r))))
    }
}

/// Repositories and integrations whose drop is remembered (16 bytes and an `Instant` each).
const MAX_MARKS: u64 = 100_000;
/// What an entry costs besides its strings and body: the key, the `Arc`, moka's own node.
const ENTRY_OVERHEAD: usize = 256;

/// An entry's weight in bytes (saturating at `u32::MAX`, which no answer reaches: the client
/// reads at most 8 MiB of a body).
fn weight(key: &Key, value: &Stamped) -> u32 {
    let a = &value.answer;
    let strings =
        key.integration.len() + key.identity.len() + key.url.len() + key.repository.as_ref().map_or(0, String::len);
    let answer =
        a.body.len() + a.continuation_token.as_ref().map_or(0, String::len) + a.etag.as_ref().map_or(0, String::len);
    u32::try_from(strings + answer + ENTRY_OVERHEAD).unwrap_or(u32::MAX)
}

fn scope(integration: &str, repository: Option<&str>) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    (integration, repository).hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(integration: &str, repository: Option<&str>) -> Key {
        Key {
            integration: integration.into(),
            identity: "pat".into(),
            url: "https://dev.azure.com/contoso/_apis/x".into(),
            repository: repository.map(str::to_owned),
        }
    }

    fn stamped() -> Stamped {
        let answer = Answer { body: Vec::new(), continuation_token: None, etag: None };
        Stamped { answer: Arc::new(answer), asked_at: Instant::now() }
    }

    #[tokio::test]
    async fn the_cache_holds_bytes_not_entries() {
        let cache = ReadCache::new(Duration::from_secs(60), 8 << 20);
        let big = |n: usize| {
            let answer = Answer { body: vec![b'x'; n], continuation_token: None, etag: None };
            Stamped { answer: Arc::new(answer), asked_at: Instant::now() }
        };
        for i in 0..20 {
            let k = Key { url: format!("https://dev.azure.com/contoso/_apis/{i}"), ..key("i1", None) };
            cache.fresh.insert(k, big(1 << 20)).await;
        }
        cache.fresh.run_pending_tasks().await;
        assert!(cache.fresh.weighted_size() <= 4 << 20, "{} bytes held", cache.fresh.weighted_size());
        assert!(cache.fresh.entry_count() <= 4, "twenty 1 MiB answers do not fit in 4 MiB");
        for i in 0..1_000 {
            let k = Key { url: format!("https://dev.azure.com/contoso/_apis/small/{i}"), ..key("i1", None) };
            cache.fresh.insert(k, big(100)).await;
        }
        cache.fresh.run_pending_tasks().await;
        assert!(cache.fresh.entry_count() > 900, "small answers fit by the thousand");
    }

    #[test]
    fn a_dropped_repository_makes_only_its_older_answers_stale() {
        let cache = ReadCache::new(Duration::from_secs(60), 1 << 20);
        let (before, other) = (stamped(), stamped());
        cache.invalidate_repository("i1", "Repo-A");
        let after = stamped();
        assert!(!cache.is_current(&key("i1", Some("repo-a")), &before));
        assert!(cache.is_current(&key("i1", Some("repo-a")), &after));
        assert!(cache.is_current(&key("i1", Some("repo-b")), &other));
        assert!(cache.is_current(&key("i2", Some("repo-a")), &other));
        assert!(cache.is_current(&key("i1", None), &other));
    }

    #[test]
    fn a_dropped_integration_makes_all_its_older_answers_stale() {
        let cache = ReadCache::new(Duration::from_secs(60), 1 << 20);
        let before = stamped();
        cache.invalidate_integration("i1");
        assert!(!cache.is_current(&key("i1", Some("repo-a")), &before));
        assert!(!cache.is_current(&key("i1", None), &before));
        assert!(cache.is_current(&key("i2", None), &before));
        assert!(cache.is_current(&key("i1", None), &stamped()));
    }
}
