//! Mutation root, merged from one object per domain. Every mutation takes one `input` and
//! returns a payload echoing `clientMutationId`.

mod app_identity_input;
pub mod authorization;
mod automations;
pub mod credential_migration;
mod integration_inputs;
mod integrations;
mod repository_actions;
mod repository_inputs;
mod service_hooks;
mod tokens;
mod webhooks;
pub mod work_items;

use async_graphql::MergedObject;

/// Writes: each takes one `input` and returns a payload echoing its `clientMutationId`.
#[derive(MergedObject, Default)]
pub struct Mutation(
    tokens::TokenMutation,
    integrations::IntegrationMutation,
    credential_migration::CredentialMigrationMutation,
    authorization::AuthorizationMutation,
    repository_actions::RepositoryActionMutation,
    work_items::WorkItemMutation,
    webhooks::WebhookMutation,
    service_hooks::ServiceHookMutation,
    automations::AutomationMutation,
);
