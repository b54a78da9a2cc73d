//! `PendingAuthorization`: a finished Azure DevOps sign-in waiting for its starter to complete it.

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::{Context, Object};
use entity::parked_authorization::Model;

use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::integration::AzureDevOpsIntegration;
use crate::store;

/// A parked sign-in (see the `#[Object]` description).
pub struct PendingAuthorization(pub Model);

/// A sign-in that finished at Microsoft Entra ID but is not connected yet: show the user which
/// Azure DevOps account it is, then call `completeAzureDevOpsAuthorization` with the same handle.
#[Object]
impl PendingAuthorization {
    /// The Azure DevOps identity that signed in (unique name, usually an e-mail).
    async fn authenticated_as(&self) -> &str {
        &self.0.authenticated_as
    }

    /// The Microsoft Entra ID object id (`oid`) of the account that signed in, from its checked ID
    /// token: compare it with the account the platform expects before completing.
    async fn account_object_id(&self) -> Option<&str> {
        self.0.account_object_id.as_deref()
    }

    /// The Microsoft Entra ID tenant (`tid`) of that account.
    async fn account_tenant_id(&self) -> Option<&str> {
        self.0.account_tenant_id.as_deref()
    }

    /// When the handle stops working; the tokens are purged then.
    async fn expires_at(&self) -> Timestamp {
        self.0.expires_at.into()
    }

    /// The OAuth scopes Entra ID granted.
    async fn scopes(&self) -> Vec<String> {
        serde_json::from_str(&self.0.scopes).unwrap_or_default()
    }

    /// Whether a refresh token came with it (the app's scopes include `offline_access`).
    async fn refreshable(&self) -> bool {
        self.0.refresh_token_sealed.is_some()
    }

    /// The integration it connects to.
    async fn integration(&self, ctx: &Context<'_>) -> Result<Option<AzureDevOpsIntegration>, ApiError> {
        let db = context::db(ctx)?;
        let m = store::integrations::get(db, &self.0.tenant_id, &self.0.integration_id).await?;
        Ok(m.map(AzureDevOpsIntegration::new))
    }
}
