//! DataLoaders for the fields that would otherwise query once per parent object (N+1 when a client
//! lists many integrations or deliveries): `AzureDevOpsIntegration.automations` and
//! `.viewerAuthorization`, and `WebhookDelivery.automationRuns`. Sibling objects resolve
//! concurrently; their keys meet in the request's [`Loaders`], which reads each batch with one
//! `IN (...)` query (one per tenant, and per user for authorizations: a request has one caller, so
//! one).
//!
//! [`for_request`] builds them for one HTTP request and for one WebSocket connection. Nothing is
//! cached: a batch reads the database as it is then, so a mutation's later fields see its writes
//! and a long-lived connection never serves stale rows.
//!
//! Keys carry the tenant (and, for the caller's own authorization, the user) and every query
//! filters on them: a batch never returns another tenant's or another user's rows.

pub mod automation_runs;
pub mod automations;
pub mod viewer_authorization;

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use sea_orm::{DatabaseConnection, DbErr};

use crate::error::ApiError;

/// What every loader reads: the database. Each file of this folder implements `Loader` for one key.
pub struct Rows {
    db: DatabaseConnection,
}

/// The loaders of one request: one DataLoader, batching each key type on its own.
pub type Loaders = DataLoader<Rows>;

/// The loaders of one request (or WebSocket connection), for its data.
pub fn for_request(db: DatabaseConnection) -> Arc<Loaders> {
    Arc::new(DataLoader::new(Rows { db }, tokio::spawn))
}

fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders, ApiError> {
    ctx.data::<Arc<Loaders>>().map(Arc::as_ref).map_err(|_| ApiError::internal("loaders missing from the request"))
}

fn db_error(e: Arc<DbErr>) -> ApiError {
    ApiError::internal(format!("database: {e}"))
}

/// The parent ids of a batch, grouped by what the query filters on besides them (tenant, user).
fn by_scope<'k, K, S: Eq + Hash>(keys: &'k [K], split: impl Fn(&'k K) -> (S, &'k str)) -> HashMap<S, Vec<&'k str>> {
    let mut groups: HashMap<S, Vec<&str>> = HashMap::new();
    for key in keys {
        let (scope, id) = split(key);
        groups.entry(scope).or_default().push(id);
    }
    groups
}
