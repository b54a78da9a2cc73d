//! One cached, retried GET against Azure DevOps for a chosen credential.
//!
//! Retries (jittered exponential backoff, via `backon`) cover idempotent reads that met a 5xx or a
//! broken connection; a 429 whose `Retry-After` is within the cap is waited out once; anything
//! else is handed back classified. Timeouts are not retried: a slow upstream stays slow.

use std::sync::Arc;
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use reqwest::StatusCode;
use url::Url;

use super::Upstream;
use super::cache::{Answer, Key, Stamped};
use super::credential::Chosen;
use crate::azure::{AzureClient, AzureError, Call};

/// Where a read goes and whose it is.
pub struct Target<'a> {
    pub integration_id: &'a str,
    pub chosen: &'a Chosen,
    /// The repository the answer is about, for invalidation by webhooks.
    pub repository: Option<&'a str>,
}

/// The longest `Retry-After` worth waiting for inside one GraphQL request.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub max_retries: usize,
    pub max_wait_for_rate_limit: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_retries: 2, max_wait_for_rate_limit: Duration::from_secs(2) }
    }
}

fn is_transient(e: &AzureError) -> bool {
    match e {
        AzureError::Upstream { status, .. } => *status >= 500,
        AzureError::Unreachable { reason } => !reason.contains("timed out"),
        AzureError::RateLimited { .. } => true,
        _ => false,
    }
}

/// GETs `url` through the cache: within the TTL no call is made; concurrent misses share one call.
pub async fn get(
    client: &AzureClient,
    upstream: &Upstream,
    target: &Target<'_>,
    url: Url,
) -> Result<Arc<Answer>, Arc<AzureError>> {
    let (cache, policy) = (&upstream.cache, upstream.policy);
    let key = Key {
        integration: target.integration_id.to_owned(),
        identity: target.chosen.identity.clone(),
        url: url.to_string(),
        repository: target.repository.map(str::to_ascii_lowercase),
    };
    match cache.fresh.get(&key).await {
        Some(hit) if cache.is_current(&key, &hit) => {
            crate::metrics::cache("hit");
            return Ok(hit.answer);
        }
        Some(_) => cache.fresh.invalidate(&key).await,
        None => {}
    }
    crate::metrics::cache("miss");
    let reads = cache.clone();
    let k = key.clone();
    cache
        .fresh
        .try_get_with(key, async move {
            let asked_at = Instant::now();
            let previous = reads.validators.get(&k).await.filter(|p| reads.is_current(&k, p)).map(|p| p.answer);
            let etag = previous.as_ref().and_then(|p| p.etag.clone());
            let turn = upstream.turn(target.integration_id).await;
            let answer = fetch(client, policy, target, url, etag.as_deref(), previous).await;
            drop(turn);
            let answer = answer?;
            let stamped = Stamped { answer, asked_at };
            if stamped.answer.etag.is_some() {
                reads.validators.insert(k, stamped.clone()).await;
            }
            Ok(stamped)
        })
        .await
        .map(|s| s.answer)
}

async fn fetch(
    client: &AzureClient,
    policy: RetryPolicy,
    target: &Target<'_>,
    url: Url,
    etag: Option<&str>,
    previous: Option<Arc<Answer>>,
) -> Result<Arc<Answer>, AzureError> {
    let once = || async {
        let mut call = Call::get(url.clone(), &target.chosen.credential);
        call.if_none_match = etag.map(str::to_owned);
        let raw = client.send(call).await?;
        if raw.status == StatusCode::NOT_MODIFIED
            && let Some(prev) = &previous
        {
            return Ok(prev.clone());
        }
        raw.error_for_status()?;
        let etag = raw.headers.get(reqwest::header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(Arc::new(Answer { continuation_token: raw.continuation_token(), etag, body: raw.body }))
    };
    let backoff = ExponentialBuilder::default()
        .with_jitter()
        .with_min_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_secs(2))
        .with_max_times(policy.max_retries);
    let cap = policy.max_wait_for_rate_limit;
    once.retry(backoff)
        .when(is_transient)
        .adjust(move |e, delay| match e {
            AzureError::RateLimited { retry_after: Some(after) } if *after <= cap && delay.is_some() => Some(*after),
            AzureError::RateLimited { .. } => None,
            _ => delay,
        })
        .notify(|e, after| tracing::debug!(error = %e, ?after, "retrying an Azure DevOps read"))
        .await
}
