//! `revealWebhookPassword`: the audited read a provider's ephemeral resource makes, so the password
//! never has to live in its state. ADMIN only, one audit event per reveal, and at most
//! [`PER_MINUTE`] reveals per integration per minute in this process (`RATE_LIMITED` beyond).

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use secrecy::SecretString;

use crate::error::ApiError;
use crate::integrations::Integrations;
use crate::store::{self, audit::Actor, integrations as rows};

/// Reveals allowed per integration per minute.
pub const PER_MINUTE: u32 = 10;

/// One limiter per process, keyed by integration id.
#[derive(Clone)]
pub struct RevealLimit(Arc<DefaultKeyedRateLimiter<String>>);

impl Default for RevealLimit {
    fn default() -> Self {
        let rate = NonZeroU32::new(PER_MINUTE).unwrap_or(NonZeroU32::MIN);
        RevealLimit(Arc::new(RateLimiter::keyed(Quota::per_minute(rate))))
    }
}

impl std::fmt::Debug for RevealLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RevealLimit")
    }
}

/// The integration's current webhook password, after the limit and an audit event.
pub async fn webhook_password(state: &Integrations, actor: &Actor, id: &str) -> Result<SecretString, ApiError> {
    let m = rows::get(&state.db, &actor.tenant_id, id).await?.ok_or(ApiError::not_found("integration"))?;
    if let Err(not_until) = state.reveal_limit.0.check_key(&m.id) {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        return Err(ApiError::RateLimited { retry_after_seconds: wait.as_secs().max(1) });
    }
    let password = rows::open_webhook_password(&state.keyring, &m).map_err(ApiError::internal)?;
    let txn = crate::store::begin_write(&state.db).await?;
    store::audit::record(&txn, actor, "integration.reveal_webhook_password", Some(&m.id), serde_json::json!({}))
        .await?;
    txn.commit().await?;
    Ok(password)
}
