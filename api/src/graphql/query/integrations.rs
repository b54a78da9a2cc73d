//! `azureDevOpsIntegrations`, `azureDevOpsIntegrationByName`, `azureDevOpsIntegration`.

use async_graphql::{Context, ID, Object};

use crate::domain::flavor::Flavor;
use crate::domain::global_id::{BadId, Kind, decode};
use crate::domain::organization_url::OrganizationUrl;
use crate::error::ApiError;
use crate::graphql::mutation::credential_migration::CredentialKind;
use crate::graphql::pagination::{self, RowConnection};
use crate::graphql::types::enums::{AzureDevOpsFlavor, IntegrationStatus};
use crate::graphql::types::integration::AzureDevOpsIntegration;
use crate::graphql::types::integration_parts;
use crate::graphql::{context, look_ahead};
use crate::store;
use crate::store::integrations_list::{self, Filter};

#[derive(Default)]
pub struct IntegrationQuery;

#[Object]
impl IntegrationQuery {
    /// The tenant's integrations, oldest first. `labels`: only those carrying every given label;
    /// `status`: only those in that status; `organizationUrl`, `flavor`, `credentialKinds` narrow
    /// it for bulk import. No secret is in any answer.
    #[allow(clippy::too_many_arguments)] // one per GraphQL argument: the filters are the field's contract
    #[graphql(complexity = "crate::graphql::pagination::cost(first.or(last), child_complexity)")]
    async fn azure_dev_ops_integrations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (`pageInfo.endCursor` of the previous page); null: from the start.")]
        after: Option<String>,
        #[graphql(desc = "How many items to return from the end of the list (paging backward): 0 to 100; \
                          not together with `first`.")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (`pageInfo.startCursor` of the page that follows); null: up to the end."
        )]
        before: Option<String>,
        #[graphql(desc = "Only integrations carrying every one of these labels (case-insensitive); null: any.")] labels: Option<Vec<String>>,
        #[graphql(desc = "Only integrations in this status; null: any.")] status: Option<IntegrationStatus>,
        #[graphql(desc = "Only integrations of this organization, compared canonically \
                          (`https://Contoso.visualstudio.com/` finds `https://dev.azure.com/contoso`); null: any.")]
        organization_url: Option<String>,
        #[graphql(desc = "Only Services or only Server integrations; null: both.")] flavor: Option<AzureDevOpsFlavor>,
        #[graphql(desc = "Only integrations holding every one of these credentials; null: any.")]
        credential_kinds: Option<Vec<CredentialKind>>,
    ) -> Result<RowConnection<AzureDevOpsIntegration>, ApiError> {
        let p = context::principal(ctx)?;
        let db = context::db(ctx)?;
        let req = pagination::page_request(first, after.as_deref(), last, before.as_deref())?;
        let organization = match organization_url.as_deref() {
            Some(raw) => Some(OrganizationUrl::parse(raw, None).map_err(ApiError::from)?.canonical_key()),
            None => None,
        };
        let kinds = credential_kinds.unwrap_or_default();
        let filter = Filter {
            status: status.map(Into::into),
            labels: labels.unwrap_or_default().iter().map(|l| l.trim().to_lowercase()).collect(),
            organization,
            flavor: flavor.map(|f| Flavor::from(f).as_str()),
            holds_pat: kinds.contains(&CredentialKind::Pat),
            holds_oauth_app: kinds.contains(&CredentialKind::OauthApp),
            holds_app_identity: kinds.contains(&CredentialKind::AppIdentity),
        };
        // Filtered and paged in SQL, reading the columns the nodes show; counted only when asked.
        let read = integration_parts::read_for(look_ahead::node_fields(ctx).into_iter());
        let page = integrations_list::page(db, &p.tenant_id, &filter, &read, &req).await?;
        let total =
            if look_ahead::selects_total(ctx) { integrations_list::count(db, &p.tenant_id, &filter).await? } else { 0 };
        Ok(pagination::connection(page, &req, total, |m| m.id.as_str(), AzureDevOpsIntegration::new))
    }

    /// The integration named `name` in the caller's tenant (names are unique per tenant,
    /// case-insensitively), for import by identity; null when there is none.
    async fn azure_dev_ops_integration_by_name(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration's name (any case).")] name: String,
    ) -> Result<Option<AzureDevOpsIntegration>, ApiError> {
        let p = context::principal(ctx)?;
        let db = context::db(ctx)?;
        Ok(store::integrations::by_name(db, &p.tenant_id, name.trim()).await?.map(AzureDevOpsIntegration::new))
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
