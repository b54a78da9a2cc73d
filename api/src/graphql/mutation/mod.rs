//! Mutation root, merged from one object per domain. Every mutation takes one `input` and
//! returns a payload echoing `clientMutationId`.

mod automations;
mod integration_inputs;
mod integrations;
mod service_hooks;
mod tokens;
mod webhooks;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct Mutation(
    tokens::TokenMutation,
    integrations::IntegrationMutation,
    webhooks::WebhookMutation,
    service_hooks::ServiceHookMutation,
    automations::AutomationMutation,
);
