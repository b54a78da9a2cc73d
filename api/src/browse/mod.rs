//! Talking to Azure DevOps on a caller's behalf: which credential, through which cache.
//!
//! Resolvers and webhooks go through here, never to `azure/` directly, so the choice of
//! credential, retries and the cache policy live in one place.

pub mod cache;
pub mod credential;
pub mod fetch;
pub mod handle;
pub mod in_flight;
pub mod pages;
pub mod projects;
pub mod pull_requests;
pub mod repositories;
pub mod scope;
pub mod work_items;

pub use handle::Browse;
use in_flight::InFlight;

use std::future::Future;
use std::time::Duration;

use moka::sync::Cache;

use crate::azure::AzureError;
use crate::azure::versions::{Negotiated, with_fallback};

/// The process-wide read side: the cache, the retry policy, the api-version negotiated with
/// each integration's organization (the one place every call site asks), and how many calls each
/// integration may have in flight.
#[derive(Clone)]
pub struct Upstream {
    pub cache: cache::ReadCache,
    pub policy: fetch::RetryPolicy,
    api_versions: Cache<String, Negotiated>,
    in_flight: InFlight,
}

/// How the read side is sized (`VCSLINK_UPSTREAM_CACHE_*`, `VCSLINK_UPSTREAM_CONCURRENCY`).
#[derive(Clone, Copy, Debug)]
pub struct Sizing {
    pub cache_ttl: Duration,
    pub cache_bytes: u64,
    pub concurrency: u32,
}

impl Upstream {
    pub fn new(sizing: Sizing, policy: fetch::RetryPolicy) -> Upstream {
        Upstream {
            cache: cache::ReadCache::new(sizing.cache_ttl, sizing.cache_bytes),
            policy,
            api_versions: Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(3600)).build(),
            in_flight: InFlight::new(sizing.concurrency),
        }
    }

    /// A turn to call Azure DevOps for `integration_id`: at most `VCSLINK_UPSTREAM_CONCURRENCY`
    /// are out at once per integration, the rest wait. Held for the length of one call.
    pub async fn turn(&self, integration_id: &str) -> in_flight::Turn {
        self.in_flight.turn(integration_id).await
    }

    /// The api-version to speak with `integration`: learned from an earlier answer, else the one
    /// its last verification negotiated, else 7.1 (Services, Server 2022.1+).
    pub fn api_version(&self, integration: &entity::integration::Model) -> Negotiated {
        if let Some(learned) = self.api_versions.get(&integration.id) {
            return learned;
        }
        recorded_version(integration.last_verification.as_deref()).unwrap_or(Negotiated::LATEST)
    }

    pub fn learn_api_version(&self, integration_id: &str, version: Negotiated) {
        self.api_versions.insert(integration_id.to_owned(), version);
    }

    /// Runs `call` at the integration's api-version; an out-of-range answer naming an older one is
    /// learned and `call` runs once more at it. For every call site: reads, writes, comments, hooks.
    pub async fn negotiated<T, F, Fut>(
        &self,
        integration: &entity::integration::Model,
        call: F,
    ) -> Result<T, AzureError>
    where
        F: FnMut(Negotiated) -> Fut,
        Fut: Future<Output = Result<T, AzureError>>,
    {
        let start = self.api_version(integration);
        let _turn = self.turn(&integration.id).await;
        let (answer, used) = with_fallback(start, call).await;
        if used != start {
            self.learn_api_version(&integration.id, used);
        }
        answer
    }
}

/// The api-version a stored verification (JSON) recorded, if any.
fn recorded_version(last_verification: Option<&str>) -> Option<Negotiated> {
    let json: serde_json::Value = serde_json::from_str(last_verification?).ok()?;
    json.get("api_version")?.as_str().and_then(Negotiated::parse)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::verification::{Verification, VerificationCode};

    #[test]
    fn the_version_a_verification_negotiated_is_read_back_from_its_json() {
        let mut v = Verification {
            ok: true,
            checked_at: chrono::Utc::now(),
            code: VerificationCode::Ok,
            message: String::new(),
            hint: None,
            authenticated_as: None,
            project_count: None,
            checks: Vec::new(),
            api_version: Some("6.0".into()),
            app_identity_as: None,
        };
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(recorded_version(Some(&json)).map(|n| n.to_string()).as_deref(), Some("6.0"));
        v.api_version = None;
        let older = serde_json::to_string(&v).unwrap();
        assert!(!older.contains("api_version"), "{older}");
        assert_eq!(recorded_version(Some(&older)), None);
        assert_eq!(recorded_version(Some("not json")), None);
        assert_eq!(recorded_version(None), None);
    }
}
