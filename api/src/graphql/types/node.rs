//! The `Node` interface: every object with a global ID.

use async_graphql::{ID, Interface};

use super::api_token::ApiToken;
use super::automation::Automation;
use super::browse::repository::Repository;
use super::delivery::WebhookDelivery;
use super::integration::AzureDevOpsIntegration;
use super::service_hook::ServiceHookSubscription;

/// An object with a global ID, fetchable by `node(id)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global ID, as `node(id)` takes it."))]
pub enum Node {
    AzureDevOpsIntegration(AzureDevOpsIntegration),
    ApiToken(Box<ApiToken>),
    Repository(Repository),
    WebhookDelivery(Box<WebhookDelivery>),
    ServiceHookSubscription(Box<ServiceHookSubscription>),
    Automation(Box<Automation>),
}
