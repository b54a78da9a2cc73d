//! The outbox worker: claims due sends under a lease, POSTs them signed to the automation's
//! target, and records the result (retry with exponential backoff, then FAILED).
//!
//! Every replica runs one; the claim guarantees each send is attempted by one worker at a time,
//! and a lease that expires (a worker killed mid-send) makes the row due again.
//! - The lease covers the send: it is [`SEND_TIMEOUT`] plus a margin, renewed as each send starts,
//!   and the result is recorded only under the claim's token (a worker that lost its lease cannot
//!   overwrite the send another worker made since).
//! - Sends run concurrently, [`IN_FLIGHT`] at most, and one automation's target gets at most
//!   [`PER_TARGET`] of them: a slow target holds its own slots, never another tenant's.

use std::time::Duration;

use chrono::Utc;
use entity::{automation, webhook_delivery as delivery};
use sea_orm::{DbErr, EntityTrait};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use tokio::sync::watch;
use tracing::Instrument as _;

use super::signing::sign;
use crate::automations::Automations;
use crate::azure::check_url;
use crate::azure::guard::GuardedResolver;
use crate::domain::global_id::{Kind, encode};
use crate::domain::service_hook::{Commit, short_branch};
use crate::store::{automations as automation_rows, outbox};
use crate::traces::spans;

/// The longest one send may take.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claimed send belongs to its worker: the send and a margin for recording it.
const LEASE: Duration = Duration::from_secs(30);
/// Sends out at once, per worker.
pub const IN_FLIGHT: usize = 32;
/// Sends out at once to one automation's target (across workers, by lease).
pub const PER_TARGET: u64 = 4;

/// Starts the worker; it stops when `stop` turns true, after the sends out have finished.
pub fn spawn(state: Automations, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let http = match client(&state) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "outbox worker cannot build its http client; automations will not be sent");
                return;
            }
        };
        let mut out = tokio::task::JoinSet::new();
        loop {
            let free = IN_FLIGHT.saturating_sub(out.len());
            let claimed = if free > 0 { claim(&state, free).await } else { Ok(Vec::new()) };
            let claimed_some = claimed.as_ref().is_ok_and(|c| !c.is_empty());
            match claimed {
                Ok(rows) => {
                    for row in rows {
                        let (state, http) = (state.clone(), http.clone());
                        out.spawn(async move {
                            if let Err(e) = attempt(&state, &http, &row).await {
                                tracing::warn!(error = %e, "recording an automation send failed");
                            }
                        });
                    }
                }
                Err(e) => tracing::warn!(error = %e, "outbox claim failed"),
            }
            // Claim again as soon as a slot frees (or something new is due); sleep otherwise.
            tokio::select! {
                Some(_) = out.join_next(), if !out.is_empty() => {}
                _ = tokio::time::sleep(state.config.outbox_poll_interval), if !claimed_some || out.len() >= IN_FLIGHT => {}
                _ = std::future::ready(()), if claimed_some && out.len() < IN_FLIGHT => {}
                _ = stop.changed() => break,
            }
            if *stop.borrow() {
                break;
            }
        }
        while out.join_next().await.is_some() {}
    })
}

async fn claim(state: &Automations, free: usize) -> Result<Vec<outbox::Claimed>, DbErr> {
    let now = Utc::now();
    let lease = chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::seconds(30));
    let fair = outbox::Fairness { per_automation: PER_TARGET };
    let rows = outbox::claim(&state.db, now, now + lease, free as u64, fair).await?;
    crate::metrics::outbox_backlog(outbox::pending_count(&state.db).await?);
    Ok(rows)
}

fn client(state: &Automations) -> Result<reqwest::Client, reqwest::Error> {
    let allow_private = state.config.allow_private_upstreams;
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(GuardedResolver::new(allow_private))
        .no_proxy()
        .https_only(!allow_private)
        .user_agent("vcslink-automations")
        .build()
}

/// One round: claims due sends and attempts each, one after another; returns how many were
/// attempted (the benchmark and tests drive the outbox with it; the worker runs them concurrently).
pub async fn tick(state: &Automations, http: &reqwest::Client) -> Result<usize, DbErr> {
    let rows = claim(state, IN_FLIGHT).await?;
    for row in &rows {
        attempt(state, http, row).await?;
    }
    Ok(rows.len())
}

async fn attempt(state: &Automations, http: &reqwest::Client, claimed: &outbox::Claimed) -> Result<(), DbErr> {
    let id = claimed;
    // The lease covers this send from its start (a claim may have waited for a free slot).
    let lease = chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::seconds(30));
    if !outbox::renew(&state.db, claimed, Utc::now() + lease).await? {
        return Ok(());
    }
    let Some(row) = outbox::get(&state.db, &claimed.id).await? else { return Ok(()) };
    let a = automation::Entity::find_by_id(row.automation_id.clone()).one(&state.db).await?;
    let d = delivery::Entity::find_by_id(row.delivery_id.clone()).one(&state.db).await?;
    let (Some(a), Some(d)) = (a, d) else {
        return finish(state, id, outbox::FAILED, None, None, Some("automation or delivery gone".into())).await;
    };
    let span = spans::automation_send(&a.id, &d.id, &a.target_url, row.attempts);
    let result = send(state, http, &a, &d).instrument(span.clone()).await;
    let (status, code, error) = match result {
        Ok(code) if (200..300).contains(&code) => (outbox::SENT, Some(code), None),
        Ok(code) => (outbox::PENDING, Some(code), Some(format!("target answered http {code}"))),
        Err(e) => (outbox::PENDING, None, Some(e)),
    };
    if status == outbox::SENT {
        crate::metrics::outbox_send("sent");
        spans::record_send_outcome(&span, "sent", code);
        return finish(state, id, status, None, code, None).await;
    }
    let max = i32::try_from(state.config.automation_max_attempts).unwrap_or(i32::MAX);
    if row.attempts >= max {
        crate::metrics::outbox_send("failed");
        spans::record_send_outcome(&span, "failed", code);
        return finish(state, id, outbox::FAILED, None, code, error).await;
    }
    crate::metrics::outbox_send("retry");
    spans::record_send_outcome(&span, "retry", code);
    let factor = 2u32.saturating_pow(u32::try_from(row.attempts.saturating_sub(1)).unwrap_or(0).min(20));
    let delay = state.config.automation_retry_base.saturating_mul(factor);
    let retry_at = Utc::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1));
    finish(state, id, outbox::PENDING, Some(retry_at), code, error).await
}

/// Records the result under the claim's token; a claim that lost its lease records nothing.
async fn finish(
    state: &Automations,
    claimed: &outbox::Claimed,
    status: &str,
    retry_at: Option<chrono::DateTime<Utc>>,
    code: Option<i32>,
    error: Option<String>,
) -> Result<(), DbErr> {
    if !outbox::finish(&state.db, claimed, status, retry_at, code, error).await? {
        tracing::info!(send = %claimed.id, "an automation send's lease was lost before its result was recorded");
    }
    Ok(())
}

/// POSTs the signed event; the HTTP status, or why there was none.
async fn send(
    state: &Automations,
    http: &reqwest::Client,
    a: &automation::Model,
    d: &delivery::Model,
) -> Result<i32, String> {
    let url = url::Url::parse(&a.target_url).map_err(|e| format!("invalid target url: {e}"))?;
    check_url(&url, state.config.allow_private_upstreams).map_err(|e| e.to_string())?;
    let body = serde_json::to_vec(&event_body(a, d)).map_err(|e| e.to_string())?;
    let secret = automation_rows::open_secret(&state.keyring, a).map_err(|e| format!("secret does not open: {e}"))?;
    let mut req = http
        .post(url)
        .header("content-type", "application/json")
        .header("X-Vcslink-Delivery", encode(Kind::WebhookDelivery, &d.id).as_str())
        .header("X-Vcslink-Event", d.kind.as_str());
    if let Some(secret) = secret {
        let timestamp = Utc::now().timestamp();
        req = req.header("X-Vcslink-Timestamp", timestamp.to_string()).header(
            "X-Vcslink-Signature",
            format!("sha256={}", sign(secret.expose_secret().as_bytes(), timestamp, &body)),
        );
    }
    let resp = req.body(body).send().await.map_err(|e| format!("send failed: {}", without_url(&e)))?;
    Ok(i32::from(resp.status().as_u16()))
}

fn without_url(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        "request failed".into()
    }
}

/// What an automation's target receives: the normalized fields and the original envelope.
pub fn event_body(a: &automation::Model, d: &delivery::Model) -> Value {
    let commits: Vec<Commit> = d.commits.as_deref().and_then(|c| serde_json::from_str(c).ok()).unwrap_or_default();
    let envelope: Value = serde_json::from_str(&d.payload).unwrap_or(Value::Null);
    json!({
        "deliveryId": encode(Kind::WebhookDelivery, &d.id).as_str(),
        "automation": {"id": encode(Kind::Automation, &a.id).as_str(), "name": a.name},
        "integrationId": encode(Kind::AzureDevOpsIntegration, &d.integration_id).as_str(),
        "eventType": d.kind, "rawEventType": d.event_type, "eventId": d.event_id,
        "organization": d.organization, "project": d.project, "repository": d.repository,
        "repositoryId": d.repository_id, "ref": d.ref_name, "branch": d.ref_name.as_deref().map(short_branch),
        "sourceBranch": d.source_ref_name.as_deref().map(short_branch),
        "pullRequestNumber": d.pull_request_number, "workItemId": d.work_item_id,
        "actor": d.actor, "commentText": d.comment_text, "commits": commits,
        "createdAt": d.event_created_at, "receivedAt": d.received_at,
        "payload": envelope,
    })
}
