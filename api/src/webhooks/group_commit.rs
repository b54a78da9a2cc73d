//! Group commit: deliveries that arrive together are handed to a writer, which stores them in one
//! transaction and answers each only after that transaction committed. One commit pays for many
//! deliveries; none is acknowledged before it is durable.
//!
//! A batch is whatever queued while the previous one was being written (up to [`MAX_BATCH`]), so a
//! lone delivery waits for nothing, and under load batches grow until commits keep up. A row the
//! database refuses is isolated with a savepoint: the batch's insert is rolled back to it, each
//! delivery is tried in its own savepoint, and the others still share the one commit; the refused
//! one is answered 503 (Azure DevOps retries it). Only a failed commit fails the whole batch.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::webhook_delivery as delivery;
use futures::FutureExt;
use sea_orm::{DatabaseBackend, DatabaseConnection, DbErr, TransactionTrait};
use tokio::sync::{Mutex, mpsc, oneshot};

use super::ingest::IngestError;
use super::known_integrations::Known;
use super::routing::Plan;
use crate::domain::service_hook::Normalized;
use crate::store::deliveries::{self, NewDelivery, Stored};
use crate::store::outbox;

/// The most deliveries one transaction stores.
pub const MAX_BATCH: usize = 256;
/// Deliveries waiting for the writer before senders wait too (back-pressure, not loss: a waiting
/// delivery has not been acknowledged).
const QUEUE: usize = 1024;
/// Writers on PostgreSQL.
const POSTGRES_WRITERS: usize = 2;

/// A delivery the route has authenticated and parsed, for the writer to store.
pub struct Submission {
    /// The integration and its automations, as the route authenticated it.
    pub known: Arc<Known>,
    pub normalized: Normalized,
    /// The body as received.
    pub payload: String,
    /// Its final outcome and the automations that hear of it, decided before it is written.
    pub plan: Plan,
}

/// What the writer did with a delivery, once committed.
pub enum Committed {
    New(Box<delivery::Model>),
    Duplicate,
}

type Reply = oneshot::Sender<Result<Committed, IngestError>>;

struct Job {
    submission: Submission,
    reply: Reply,
}

/// The handle deliveries are submitted through; cheap to clone. The writers stop when the last
/// handle is dropped, after answering everything queued.
#[derive(Clone)]
pub struct IngestQueue {
    tx: mpsc::Sender<Job>,
}

impl IngestQueue {
    /// Starts the writers on the current runtime: one on SQLite (it has one writer anyway), a few
    /// on PostgreSQL, where one batch can be written while another waits for its commit to flush.
    pub fn spawn(db: DatabaseConnection) -> IngestQueue {
        let (tx, rx) = mpsc::channel(QUEUE);
        let writers = match db.get_database_backend() {
            DatabaseBackend::Sqlite => 1,
            _ => POSTGRES_WRITERS,
        };
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..writers {
            tokio::spawn(writer(db.clone(), rx.clone()));
        }
        IngestQueue { tx }
    }

    /// Stores one delivery; `Ok` only once the transaction holding it committed.
    pub async fn submit(&self, submission: Submission) -> Result<Committed, IngestError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job { submission, reply })
            .await
            .map_err(|_| IngestError::Unavailable("the webhook writer has stopped".into()))?;
        crate::metrics::webhook_queue_depth(1);
        answer.await.map_err(|_| IngestError::Unavailable("the webhook writer dropped the delivery".into()))?
    }
}

async fn writer(db: DatabaseConnection, rx: Arc<Mutex<mpsc::Receiver<Job>>>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // The next batch is whatever queued meanwhile, taken by whichever writer is free first.
    while rx.lock().await.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let jobs = std::mem::take(&mut batch);
        crate::metrics::webhook_queue_depth(-(jobs.len() as i64));
        crate::metrics::webhook_commit_batch(jobs.len());
        // A panic drops the batch's replies (each answers 503, so Azure DevOps retries) and the
        // writer goes on with the next batch.
        if std::panic::AssertUnwindSafe(write_batch(&db, jobs)).catch_unwind().await.is_err() {
            tracing::error!("the webhook writer panicked on a batch; its deliveries were answered 503");
        }
    }
}

async fn write_batch(db: &DatabaseConnection, mut ready: Vec<Job>) {
    // One order for every writer (integration, then event): two writers or replicas storing the same
    // deliveries wait on each other's unique-index entries in the same order, never in a cycle.
    ready.sort_by(|a, b| {
        (a.submission.known.integration.id.as_str(), a.submission.normalized.event_id.as_str())
            .cmp(&(b.submission.known.integration.id.as_str(), b.submission.normalized.event_id.as_str()))
    });
    match store(db, &ready).await {
        Ok(outcomes) => {
            for (r, o) in ready.into_iter().zip(outcomes) {
                let _ = r.reply.send(o);
            }
        }
        Err(e) => {
            let cause = format!("database: {e}");
            for r in ready {
                let _ = r.reply.send(Err(IngestError::Unavailable(cause.clone())));
            }
        }
    }
}

/// The row to insert for `job`.
fn item(job: &Job) -> NewDelivery<'_> {
    let s = &job.submission;
    NewDelivery {
        integration: &s.known.integration,
        normalized: &s.normalized,
        payload: &s.payload,
        outcome: (s.plan.outcome, s.plan.message.clone()),
    }
}

/// Stores `ready` in one transaction: the deliveries in one INSERT with their final outcome (or their
/// duplicate counts), their outbox rows, and each integration's `lastDeliveryAt`. When the database
/// refuses the INSERT, each delivery is stored in a savepoint of its own, in the same transaction;
/// a refused one is answered `Unavailable`, the rest commit together.
async fn store(db: &DatabaseConnection, ready: &[Job]) -> Result<Vec<Result<Committed, IngestError>>, DbErr> {
    let txn = crate::store::begin_write(db).await?;
    let together = txn.begin().await?;
    let stored: Vec<Result<Stored, DbErr>> =
        match deliveries::insert_or_count(&together, ready.iter().map(item).collect()).await {
            Ok(stored) => {
                together.commit().await?;
                stored.into_iter().map(Ok).collect()
            }
            Err(e) if ready.len() > 1 => {
                together.rollback().await?;
                tracing::warn!(error = %e, deliveries = ready.len(), "a webhook batch was refused; isolating the row");
                let mut each = Vec::with_capacity(ready.len());
                for r in ready {
                    let alone = txn.begin().await?;
                    match deliveries::insert_or_count(&alone, vec![item(r)]).await {
                        Ok(mut stored) => {
                            alone.commit().await?;
                            each.push(stored.pop().ok_or_else(|| DbErr::Custom("no row stored".into())));
                        }
                        Err(e) => {
                            alone.rollback().await?;
                            each.push(Err(e));
                        }
                    }
                }
                each
            }
            Err(e) => {
                together.rollback().await?;
                vec![Err(e)]
            }
        };
    let mut outcomes = Vec::with_capacity(ready.len());
    let mut latest: BTreeMap<&str, DateTime<Utc>> = BTreeMap::new();
    for (r, stored) in ready.iter().zip(stored) {
        outcomes.push(match stored {
            Ok(Stored::New(d)) => {
                outbox::enqueue_all(&txn, &d.id, &r.submission.plan.automations).await?;
                latest.insert(r.submission.known.integration.id.as_str(), d.received_at);
                Ok(Committed::New(d))
            }
            Ok(Stored::Duplicate) => Ok(Committed::Duplicate),
            Err(e) => Err(IngestError::Unavailable(format!("database: {e}"))),
        });
    }
    // In id order, for the same reason as the deliveries; the row is written about once a second.
    for (integration_id, at) in latest {
        deliveries::touch_last_delivery(&txn, integration_id, at).await?;
    }
    txn.commit().await?;
    Ok(outcomes)
}
