//! Talking to Azure DevOps on a caller's behalf: which credential, through which cache.
//!
//! Resolvers and webhooks go through here, never to `azure/` directly, so the choice of
//! credential, retries and the cache policy live in one place.

pub mod cache;
pub mod credential;
pub mod errors;
pub mod fetch;
pub mod invalidate;
pub mod pages;
pub mod paging;
pub mod projects;
pub mod pull_requests;
pub mod repositories;
pub mod scope;
pub mod write_errors;

use std::time::Duration;

use moka::future::Cache;

use crate::domain::flavor::Flavor;

/// The process-wide read side: the cache, the retry policy, and api-versions learned from Servers.
#[derive(Clone)]
pub struct Upstream {
    pub cache: cache::ReadCache,
    pub policy: fetch::RetryPolicy,
    api_versions: Cache<String, String>,
}

impl Upstream {
    pub fn new(ttl: Duration, policy: fetch::RetryPolicy) -> Upstream {
        Upstream {
            cache: cache::ReadCache::new(ttl, 20_000),
            policy,
            api_versions: Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(3600)).build(),
        }
    }

    /// The REST API version to ask an integration for: 7.1, or what its Server said it supports.
    pub async fn api_version(&self, integration_id: &str, flavor: Flavor) -> String {
        match flavor {
            Flavor::Services => scope::API_VERSION.to_owned(),
            Flavor::Server => {
                self.api_versions.get(integration_id).await.unwrap_or_else(|| scope::API_VERSION.to_owned())
            }
        }
    }

    pub async fn learn_api_version(&self, integration_id: &str, version: &str) {
        self.api_versions.insert(integration_id.to_owned(), version.to_owned()).await;
    }
}
