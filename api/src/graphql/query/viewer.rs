//! `viewer`, `pendingAzureDevOpsAuthorization`, `apiTokens`, `node`.

use async_graphql::{Context, ID, Object};

use crate::browse::credential::Purpose;
use crate::browse::repositories;
use crate::browse::scope::Scope;
use crate::domain::global_id::{Kind, decode_any, encode, is_global_id};
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::pagination::{self, RowConnection};
use crate::graphql::types::api_token::ApiToken;
use crate::graphql::types::browse::repository::Repository;
use crate::graphql::types::delivery::WebhookDelivery;
use crate::graphql::types::integration::AzureDevOpsIntegration;
use crate::graphql::types::node::Node;
use crate::graphql::types::pending_authorization::PendingAuthorization;
use crate::graphql::types::viewer::Viewer;
use crate::store;
use crate::user_authorizations::complete;

#[derive(Default)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// The caller: tenant, user, role and token name.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Viewer, ApiError> {
        let p = context::principal(ctx)?;
        Ok(Viewer {
            tenant: p.tenant.clone(),
            user: p.user.clone(),
            role: p.role.into(),
            token_name: p.token_name.clone(),
            token_id: encode(Kind::ApiToken, &p.token_id).into(),
        })
    }

    /// The caller's own sign-in waiting under `handle` (from the OAuth callback), to confirm the
    /// Azure DevOps account before `completeAzureDevOpsAuthorization`; null for anyone else's, or
    /// an unknown, used or expired handle.
    async fn pending_azure_dev_ops_authorization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The one-time handle from the callback.", secret)] handle: String,
    ) -> Result<Option<PendingAuthorization>, ApiError> {
        let p = context::principal(ctx)?;
        let accounts = context::accounts(ctx)?;
        Ok(complete::pending(accounts, p, &handle).await?.map(PendingAuthorization))
    }

    /// ADMIN: the tenant's API tokens (never their values), oldest first.
    #[graphql(complexity = "crate::graphql::pagination::cost(first.or(last), child_complexity)")]
    async fn api_tokens(
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
    ) -> Result<RowConnection<ApiToken>, ApiError> {
        let p = context::admin(ctx)?;
        let db = context::db(ctx)?;
        let req = pagination::page_request(first, after.as_deref(), last, before.as_deref())?;
        let page = store::tokens::list(db, &p.tenant_id, &req).await?;
        let total = store::tokens::count(db, &p.tenant_id).await? as i64;
        let mut users = Vec::with_capacity(page.items.len());
        for row in &page.items {
            users.push(store::tenants::user_by_id(db, &row.user_id).await?.map(|u| u.name).unwrap_or_default());
        }
        let mut users = users.into_iter();
        let page = page.map(|row| ApiToken { row, user: users.next().unwrap_or_default() });
        Ok(pagination::connection(page, &req, total, |t| t.row.id.as_str(), |t| t))
    }

    /// Any object by its global ID; null when it does not exist (or belongs to another tenant).
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's global ID.")] id: ID,
    ) -> Result<Option<Node>, ApiError> {
        let p = context::principal(ctx)?;
        let browse = context::browse(ctx)?;
        let Some((kind, raw)) = decode_any(id.as_str()) else {
            if is_global_id(id.as_str()) {
                return Ok(None);
            }
            return Err(ApiError::validation(
                "id",
                "not a global ID; use the `id` of an object the API returned",
                Some("pass the opaque `id` the API returned for the object, not a raw UUID or a placeholder"),
            ));
        };
        Ok(match kind {
            Kind::AzureDevOpsIntegration => store::integrations::get(&browse.db, &p.tenant_id, &raw)
                .await?
                .map(|m| Node::AzureDevOpsIntegration(AzureDevOpsIntegration::new(m))),
            Kind::Repository => {
                let Some((integration_id, repo_id)) = raw.split_once(':') else { return Ok(None) };
                let Some(integration) = store::integrations::get(&browse.db, &p.tenant_id, integration_id).await?
                else {
                    return Ok(None);
                };
                let scope = Scope::open(browse, p, integration, Purpose::Read).await?;
                repositories::get_by_id(browse, &scope, repo_id)
                    .await?
                    .map(|r| Node::Repository(Repository::new(scope, r)))
            }
            Kind::ApiToken => {
                if !p.is_admin() {
                    return Err(ApiError::admin_only());
                }
                match store::tokens::by_id(&browse.db, &raw).await?.filter(|t| t.tenant_id == p.tenant_id) {
                    Some(row) => {
                        let user = store::tenants::user_by_id(&browse.db, &row.user_id)
                            .await?
                            .map(|u| u.name)
                            .unwrap_or_default();
                        Some(Node::ApiToken(Box::new(ApiToken { row, user })))
                    }
                    None => None,
                }
            }
            Kind::WebhookDelivery => {
                if !p.is_admin() {
                    return Err(ApiError::admin_only());
                }
                store::deliveries::get(&browse.db, &p.tenant_id, &raw)
                    .await?
                    .map(|d| Node::WebhookDelivery(Box::new(WebhookDelivery(d))))
            }
            Kind::ServiceHookSubscription => {
                if !p.is_admin() {
                    return Err(ApiError::admin_only());
                }
                crate::graphql::types::integration_webhooks::service_hook_node(ctx, &p.tenant_id, &raw)
                    .await?
                    .map(|h| Node::ServiceHookSubscription(Box::new(h)))
            }
            Kind::Automation => {
                if !p.is_admin() {
                    return Err(ApiError::admin_only());
                }
                store::automations::get(&browse.db, &p.tenant_id, &raw)
                    .await?
                    .map(|a| Node::Automation(Box::new(crate::graphql::types::automation::Automation(a))))
            }
        })
    }
}
