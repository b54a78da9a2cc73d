//! `AzureDevOpsIntegration.viewerAuthorization`: the caller's own authorization for every integration
//! in a batch, in one query.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Context;
use async_graphql::dataloader::Loader;
use entity::user_authorization::Model;
use sea_orm::DbErr;

use super::{Rows, by_scope, db_error, loaders};
use crate::error::ApiError;
use crate::store::user_authorizations::{self as auths, Owner};

/// One user's authorization for one of the tenant's integrations (the owned form of [`Owner`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AuthorizationOf {
    pub tenant_id: String,
    pub user_id: String,
    pub integration_id: String,
}

impl AuthorizationOf {
    pub fn new(owner: Owner<'_>) -> AuthorizationOf {
        AuthorizationOf {
            tenant_id: owner.tenant_id.to_owned(),
            user_id: owner.user_id.to_owned(),
            integration_id: owner.integration_id.to_owned(),
        }
    }
}

impl Loader<AuthorizationOf> for Rows {
    type Value = Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[AuthorizationOf]) -> Result<HashMap<AuthorizationOf, Model>, Arc<DbErr>> {
        let mut out = HashMap::new();
        let groups = by_scope(keys, |k| ((k.tenant_id.as_str(), k.user_id.as_str()), k.integration_id.as_str()));
        for ((tenant_id, user_id), ids) in groups {
            for row in auths::for_integrations(&self.db, tenant_id, user_id, &ids).await? {
                let owner = Owner { tenant_id, user_id, integration_id: &row.integration_id };
                out.insert(AuthorizationOf::new(owner), row);
            }
        }
        Ok(out)
    }
}

/// The owner's authorization; `None` when they have not connected.
pub async fn of(ctx: &Context<'_>, owner: Owner<'_>) -> Result<Option<Model>, ApiError> {
    loaders(ctx)?.load_one(AuthorizationOf::new(owner)).await.map_err(db_error)
}
