//! `azureDevOpsIntegrations`, `azureDevOpsIntegration`.

use async_graphql::{Context, ID, Object};

use crate::domain::global_id::{BadId, Kind, decode};
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::pagination::{self, RowConnection};
use crate::graphql::types::enums::IntegrationStatus;
use crate::graphql::types::integration::AzureDevOpsIntegration;
use crate::store;
use crate::store::pagination::Page;

#[derive(Default)]
pub struct IntegrationQuery;

#[Object]
impl IntegrationQuery {
    /// The tenant's integrations, oldest first. `labels`: only those carrying every given label;
    /// `status`: only those in that status.
    async fn azure_dev_ops_integrations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (`pageInfo.endCursor` of the previous page); null: from the start.")]
        after: Option<String>,
        #[graphql(desc = "Only integrations carrying every one of these labels (case-insensitive); null: any.")] labels: Option<Vec<String>>,
        #[graphql(desc = "Only integrations in this status; null: any.")] status: Option<IntegrationStatus>,
    ) -> Result<RowConnection<AzureDevOpsIntegration>, ApiError> {
        let p = context::principal(ctx)?;
        let db = context::db(ctx)?;
        let req = pagination::page_request(first, after.as_deref())?;
        let wanted: Vec<String> = labels.unwrap_or_default().iter().map(|l| l.trim().to_lowercase()).collect();
        // A tenant holds few integrations: filter in memory, then page by id.
        let matching: Vec<_> = store::integrations::list(db, &p.tenant_id)
            .await?
            .into_iter()
            .filter(|m| status.is_none_or(|s| store::integrations::status(m) == s.into()))
            .filter(|m| {
                let have = store::integrations::labels(m);
                wanted.iter().all(|w| have.contains(w))
            })
            .collect();
        let total = matching.len() as i64;
        let rest: Vec<_> = matching
            .into_iter()
            .filter(|m| req.after.as_ref().is_none_or(|a| m.id.as_str() > a.as_str()))
            .take(req.first as usize + 1)
            .collect();
        let page = Page::from_overfetch(rest, req.first);
        Ok(pagination::connection(page, req.after.is_some(), total, |m| m.id.clone(), AzureDevOpsIntegration::new))
    }

    /// One integration by global ID; null when it does not exist (or belongs to another tenant).
    async fn azure_dev_ops_integration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration's global ID.")] id: ID,
    ) -> Result<Option<AzureDevOpsIntegration>, ApiError> {
        let p = context::principal(ctx)?;
        let db = context::db(ctx)?;
        let raw = match decode(Kind::AzureDevOpsIntegration, &id, "integration", "id") {
            Ok(raw) => raw,
            Err(BadId::Unknown(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(store::integrations::get(db, &p.tenant_id, &raw).await?.map(AzureDevOpsIntegration::new))
    }
}
