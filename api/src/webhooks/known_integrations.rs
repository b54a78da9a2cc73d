//! What the webhook route knows of an integration: who may deliver (its current webhook password,
//! or the previous one within its grace window, compared in constant time) and which automations
//! hear of its deliveries.
//!
//! Kept for [`FRESH_FOR`], so a stream of deliveries costs no database read. Only acceptance trusts
//! the kept copy: a password it does not accept is checked against the database before it is
//! refused. A change made through this process (password rotation or update, unlink, automation
//! created or deleted) forgets the copy at once; another replica's change reaches this one within
//! [`FRESH_FOR`]: an old password stays accepted that much longer (a grace window usually covers it
//! anyway), a new automation hears of this replica's deliveries that much later, and a delivery for
//! an integration unlinked there fails its insert and is answered 503, then 410 on the retry.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{automation, integration};
use moka::future::Cache;
use sea_orm::ConnectionTrait;

use super::ingest::IngestError;
use crate::crypto::Keyring;
use crate::domain::WebhookPassword;
use crate::store::integrations as rows;
use crate::store::webhook_passwords::{self, Lookup};

/// How long an opened password is trusted without asking the database.
pub const FRESH_FOR: Duration = Duration::from_secs(2);
const CAPACITY: u64 = 10_000;

/// An integration, the passwords it accepts and its automations, as read from the database.
pub struct Known {
    pub integration: integration::Model,
    pub automations: Vec<automation::Model>,
    current: WebhookPassword,
    previous: Option<(WebhookPassword, DateTime<Utc>)>,
}

impl Known {
    fn accepts(&self, candidate: &str, now: DateTime<Utc>) -> bool {
        // Both compared, so the time taken does not tell which one matched.
        let current = self.current.verify(candidate);
        let previous = self.previous.as_ref().is_some_and(|(p, until)| *until > now && p.verify(candidate));
        current | previous
    }
}

#[derive(Clone)]
pub struct KnownIntegrations {
    known: Cache<String, Arc<Known>>,
}

impl Default for KnownIntegrations {
    fn default() -> Self {
        KnownIntegrations { known: Cache::builder().max_capacity(CAPACITY).time_to_live(FRESH_FOR).build() }
    }
}

impl KnownIntegrations {
    /// Forgets what is known of an integration (its password or automations changed, or it was unlinked).
    pub async fn forget(&self, integration_id: &str) {
        self.known.invalidate(integration_id).await;
    }

    /// What is known of the integration a delivery may be stored for, or why it may not: unknown
    /// ids and wrong or missing passwords look the same; an unlinked integration is `Gone`.
    /// The integration when the cache vouches for `password` (no database): the throttled path.
    pub async fn cached(&self, integration_id: &str, password: Option<&str>) -> Option<Arc<Known>> {
        let known = self.known.get(integration_id).await?;
        known.accepts(password?, Utc::now()).then_some(known)
    }

    pub async fn check(
        &self,
        db: &impl ConnectionTrait,
        keyring: &Keyring,
        integration_id: &str,
        password: Option<&str>,
    ) -> Result<Arc<Known>, IngestError> {
        let now = Utc::now();
        if let (Some(known), Some(candidate)) = (self.known.get(integration_id).await, password)
            && known.accepts(candidate, now)
        {
            return Ok(known);
        }
        let known = Arc::new(read(db, keyring, integration_id, now, password).await?);
        self.known.insert(integration_id.to_owned(), known.clone()).await;
        match password {
            Some(candidate) if known.accepts(candidate, now) => Ok(known),
            _ => Err(IngestError::Unauthorized),
        }
    }
}

/// The integration, its passwords (opened) and automations; a password that does not open is a
/// fault of ours. An unlinked integration is `Gone` only to a sender with one of its passwords:
/// to anyone else it looks like an unknown id, so unlinked ids cannot be enumerated.
async fn read(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    integration_id: &str,
    now: DateTime<Utc>,
    password: Option<&str>,
) -> Result<Known, IngestError> {
    let model = match webhook_passwords::lookup(db, integration_id).await? {
        Lookup::Live(m) => m,
        Lookup::Unlinked { password_fingerprints } => {
            let purpose = crate::crypto::mac::Purpose::UnlinkedWebhookPassword;
            let knows = password.is_some_and(|p| {
                password_fingerprints.iter().any(|f| keyring.fingerprint_matches(purpose, p.as_bytes(), f))
            });
            return Err(if knows { IngestError::Gone } else { IngestError::Unauthorized });
        }
        Lookup::Unknown => return Err(IngestError::Unauthorized),
    };
    let current = rows::open_webhook_password(keyring, &model)
        .map_err(|e| IngestError::Unavailable(format!("webhook password does not open: {e}")))?;
    let previous = match webhook_passwords::grace_password(db, keyring, integration_id, now).await? {
        Some(Ok((previous, until))) => Some((WebhookPassword::from_stored(previous), until)),
        Some(Err(e)) => return Err(IngestError::Unavailable(format!("previous webhook password does not open: {e}"))),
        None => None,
    };
    let automations = crate::store::automations::list(db, integration_id).await?;
    Ok(Known { integration: *model, automations, current: WebhookPassword::from_stored(current), previous })
}
