//! The `Node` interface: every object with a global ID.

use async_graphql::{ID, Interface};

use super::api_token::ApiToken;
use super::delivery::WebhookDelivery;
use super::integration::AzureDevOpsIntegration;

/// An object with a global ID, fetchable by `node(id)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    AzureDevOpsIntegration(AzureDevOpsIntegration),
    ApiToken(Box<ApiToken>),
    WebhookDelivery(Box<WebhookDelivery>),
}
