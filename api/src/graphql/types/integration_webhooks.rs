//! The webhook fields of `AzureDevOpsIntegration` (`serviceHooks`, `deliveries`), kept out of the core type's file.

use async_graphql::Context;
use entity::integration::Model;

use super::delivery::{WebhookDelivery, WebhookEventType};
use super::service_hook::ServiceHookSubscription;
use crate::domain::service_hook::EventKind;
use crate::error::ApiError;
use crate::graphql::pagination::{self, RowConnection};
use crate::graphql::{context, look_ahead};
use crate::service_hooks::subscriptions::{self as hooks, Live};
use crate::store;

/// `AzureDevOpsIntegration.deliveries`: ADMIN only (payloads are the organization's data).
pub async fn deliveries(
    ctx: &Context<'_>,
    integration: &Model,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
    event_type: Option<WebhookEventType>,
) -> Result<RowConnection<WebhookDelivery>, ApiError> {
    context::admin(ctx)?;
    let db = context::db(ctx)?;
    let req = pagination::page_request(first, after.as_deref(), last, before.as_deref())?;
    let kind = event_type.map(|k| EventKind::from(k).as_str());
    // The body only when a node shows it; the count only when the answer asks for it.
    let with_payload = look_ahead::node_fields(ctx).contains(&"payload");
    let page = store::deliveries::page(db, &integration.id, kind, &req, with_payload).await?;
    let total =
        if look_ahead::selects_total(ctx) { store::deliveries::count(db, &integration.id, kind).await? } else { 0 };
    Ok(pagination::connection(page, &req, total, |d| d.id.as_str(), WebhookDelivery))
}

/// `AzureDevOpsIntegration.serviceHooks`: ADMIN only; each with its live state from Azure DevOps.
pub async fn service_hooks(ctx: &Context<'_>, integration: &Model) -> Result<Vec<ServiceHookSubscription>, ApiError> {
    context::admin(ctx)?;
    let service_hooks = context::service_hooks(ctx)?;
    let installed = store::service_hooks::list(&service_hooks.db, &integration.id).await?;
    if installed.is_empty() {
        return Ok(Vec::new());
    }
    let live = match hooks::target(service_hooks, integration).await {
        Ok(t) => hooks::live_states(service_hooks, &t, &installed).await,
        Err(_) => {
            installed.iter().map(|_| Live::Unknown("the integration has no personal access token".into())).collect()
        }
    };
    let acting = crate::integration_credential::acting_kind(integration);
    Ok(ServiceHookSubscription::all(installed.into_iter().zip(live).collect(), acting))
}

/// `node(id)` for a service hook: the row with its live state (ADMIN).
pub async fn service_hook_node(
    ctx: &Context<'_>,
    tenant_id: &str,
    id: &str,
) -> Result<Option<ServiceHookSubscription>, ApiError> {
    let service_hooks = context::service_hooks(ctx)?;
    let Some(row) = store::service_hooks::get(&service_hooks.db, tenant_id, id).await? else { return Ok(None) };
    let Some(integration) = store::integrations::get(&service_hooks.db, tenant_id, &row.integration_id).await? else {
        return Ok(None);
    };
    let live = match hooks::target(service_hooks, &integration).await {
        Ok(t) => hooks::live_states(service_hooks, &t, std::slice::from_ref(&row)).await.pop(),
        Err(_) => None,
    };
    let live = live.unwrap_or_else(|| Live::Unknown("the integration has no personal access token".into()));
    let acting = crate::integration_credential::acting_kind(&integration);
    let all = store::service_hooks::list(&service_hooks.db, &integration.id).await?;
    let overlap = crate::service_hooks::subscriptions::overlaps(&all)
        .into_iter()
        .zip(&all)
        .find_map(|(o, h)| (h.id == row.id).then_some(o))
        .flatten();
    Ok(Some(ServiceHookSubscription { row, live, acting, overlap }))
}
