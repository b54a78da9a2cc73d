//! `WebhookDelivery.automationRuns`: the sends of every delivery in a batch, in one query.
//!
//! Keyed by delivery id alone, as the field always was: a delivery reaches GraphQL only through
//! its tenant's queries, and its runs are its own (the outbox row names the delivery).

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::Loader;
use entity::automation_outbox::Model;
use sea_orm::DbErr;

use super::{Rows, db_error, loaders};
use crate::error::ApiError;
use crate::store;

/// The sends of one delivery.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RunsOf(pub String);

impl Loader<RunsOf> for Rows {
    type Value = Vec<Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[RunsOf]) -> Result<HashMap<RunsOf, Vec<Model>>, Arc<DbErr>> {
        let ids: Vec<&str> = keys.iter().map(|k| k.0.as_str()).collect();
        let mut out: HashMap<RunsOf, Vec<Model>> = HashMap::new();
        for row in store::outbox::for_deliveries(&self.db, &ids).await? {
            out.entry(RunsOf(row.delivery_id.clone())).or_default().push(row);
        }
        Ok(out)
    }
}

/// The delivery's sends, oldest first.
pub async fn of(ctx: &Context<'_>, delivery_id: &str) -> Result<Vec<Model>, ApiError> {
    Ok(loaders(ctx)?.load_one(RunsOf(delivery_id.to_owned())).await.map_err(db_error)?.unwrap_or_default())
}
