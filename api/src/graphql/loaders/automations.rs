//! `AzureDevOpsIntegration.automations`: the automations of every integration in a batch, in one query.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::Loader;
use entity::automation::Model;
use sea_orm::DbErr;

use super::{Rows, by_scope, db_error, loaders};
use crate::error::ApiError;
use crate::store;

/// The automations of one of the tenant's integrations.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AutomationsOf {
    pub tenant_id: String,
    pub integration_id: String,
}

impl Loader<AutomationsOf> for Rows {
    type Value = Vec<Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[AutomationsOf]) -> Result<HashMap<AutomationsOf, Vec<Model>>, Arc<DbErr>> {
        let mut out: HashMap<AutomationsOf, Vec<Model>> = HashMap::new();
        for (tenant_id, ids) in by_scope(keys, |k| (k.tenant_id.as_str(), k.integration_id.as_str())) {
            for row in store::automations::list_for_integrations(&self.db, tenant_id, &ids).await? {
                let key = AutomationsOf { tenant_id: tenant_id.to_owned(), integration_id: row.integration_id.clone() };
                out.entry(key).or_default().push(row);
            }
        }
        Ok(out)
    }
}

/// The integration's automations, oldest first.
pub async fn of(ctx: &Context<'_>, key: AutomationsOf) -> Result<Vec<Model>, ApiError> {
    Ok(loaders(ctx)?.load_one(key).await.map_err(db_error)?.unwrap_or_default())
}
