//! Service hook mutations: `installServiceHooks`, `repairServiceHooks`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use crate::domain::global_id::{Kind, decode};
use crate::domain::service_hook::EventKind;
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::delivery::WebhookEventType;
use crate::graphql::types::service_hook::ServiceHookSubscription;
use crate::service_hooks::install;

#[derive(Default)]
pub struct ServiceHookMutation;

/// Where to install service hooks, and for which events.
#[derive(InputObject)]
pub struct InstallServiceHooksInput {
    /// The integration's global ID.
    pub integration_id: ID,
    /// Project name (or id).
    pub project: String,
    /// Repository name (or id) in the project; omitted: every repository of the project.
    pub repository: Option<String>,
    /// The events to subscribe to; omitted: all six (`OTHER` is ignored).
    pub events: Option<Vec<WebhookEventType>>,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// The project's (and repository's) service hooks after the install.
#[derive(SimpleObject)]
pub struct InstallServiceHooksPayload {
    /// Every hook vcslink manages for that project and repository, new ones included.
    pub service_hooks: Vec<ServiceHookSubscription>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// Which integration's hooks to repair.
#[derive(InputObject)]
pub struct RepairServiceHooksInput {
    /// The integration's global ID.
    pub integration_id: ID,
    /// Also re-create the hooks a person owns (made with a personal access token) under the
    /// integration's app identity, so they outlive that person's access. Needs an app identity
    /// acting for the integration; omitted: false.
    pub reown: Option<bool>,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// The hooks after the repair.
#[derive(SimpleObject)]
pub struct RepairServiceHooksPayload {
    /// Every hook of the integration with its state after the repair.
    pub service_hooks: Vec<ServiceHookSubscription>,
    /// How many were re-created (or re-owned) or re-enabled.
    pub repaired: i32,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

#[Object]
impl ServiceHookMutation {
    /// ADMIN: creates Service Hook subscriptions in Azure DevOps that deliver to this integration's
    /// endpoint with its webhook password. Already installed ones are kept, not duplicated.
    async fn install_service_hooks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Where to install, and for which events.")] input: InstallServiceHooksInput,
    ) -> Result<InstallServiceHooksPayload, ApiError> {
        let p = context::admin(ctx)?;
        let service_hooks = context::service_hooks(ctx)?;
        let id = decode(Kind::AzureDevOpsIntegration, &input.integration_id, "integration", "integrationId")?;
        let project = input.project.trim();
        if project.is_empty() {
            return Err(ApiError::validation("project", "must not be empty", None));
        }
        let repository = input.repository.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let events = input.events.map(|e| e.into_iter().map(EventKind::from).collect());
        let (hooks, acting) =
            install::install(service_hooks, &context::actor(p), &id, project, repository, events).await?;
        Ok(InstallServiceHooksPayload {
            service_hooks: ServiceHookSubscription::all(hooks, Some(acting)),
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// ADMIN: re-creates subscriptions deleted in Azure DevOps, or disabled by the system or for an
    /// inactive owner (deleted, then created anew: an update cannot revive those), and re-enables
    /// those disabled by a user. With `reown`, person-owned hooks are re-created under the app identity.
    async fn repair_service_hooks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration whose hooks to repair.")] input: RepairServiceHooksInput,
    ) -> Result<RepairServiceHooksPayload, ApiError> {
        let p = context::admin(ctx)?;
        let service_hooks = context::service_hooks(ctx)?;
        let id = decode(Kind::AzureDevOpsIntegration, &input.integration_id, "integration", "integrationId")?;
        let reown = input.reown.unwrap_or(false);
        let (hooks, repaired, acting) = install::repair(service_hooks, &context::actor(p), &id, reown).await?;
        Ok(RepairServiceHooksPayload {
            service_hooks: ServiceHookSubscription::all(hooks, Some(acting)),
            repaired,
            client_mutation_id: input.client_mutation_id,
        })
    }
}
