//! The webhook fields of `AzureDevOpsIntegration` (`deliveries`, ...), kept out of the core type's file.

use async_graphql::Context;
use async_graphql::connection::Connection;
use entity::integration::Model;

use super::connection::{self, Counted};
use super::delivery::{WebhookDelivery, WebhookEventType};
use crate::error::ApiError;
use crate::graphql::context;
use crate::store;
use crate::webhooks::events::EventKind;

/// `AzureDevOpsIntegration.deliveries`: ADMIN only (payloads are the organization's data).
pub async fn deliveries(
    ctx: &Context<'_>,
    integration: &Model,
    first: Option<i32>,
    after: Option<String>,
    event_type: Option<WebhookEventType>,
) -> Result<Connection<String, WebhookDelivery, Counted>, ApiError> {
    context::admin(ctx)?;
    let state = context::state(ctx)?;
    let req = connection::page_request(first, after)?;
    let kind = event_type.map(|k| EventKind::from(k).as_str());
    let (page, total) = store::deliveries::list(&state.db, &integration.id, kind, &req).await?;
    Ok(connection::build(page, req.after.is_some(), total, |d| d.id.clone(), WebhookDelivery))
}
