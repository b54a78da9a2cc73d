//! Automation mutations: `createAutomation`, `updateAutomation`, `deleteAutomation`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use secrecy::ExposeSecret;

use crate::automations::admin as automation_admin;
use crate::domain::automation::{AutomationFields, NewAutomation};
use crate::domain::global_id::{Kind, decode};
use crate::domain::service_hook::EventKind;
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::automation::Automation;
use crate::graphql::types::delivery::WebhookEventType;
use crate::store::automations as rows;

#[derive(Default)]
pub struct AutomationMutation;

/// A new automation: which deliveries, and where to forward them.
#[derive(InputObject)]
pub struct CreateAutomationInput {
    /// The integration's global ID.
    pub integration_id: ID,
    /// A name for people (1–100 characters).
    pub name: String,
    /// The event types it reacts to (at least one).
    pub event_types: Vec<WebhookEventType>,
    /// Only this project (name or id); omitted: any.
    pub project: Option<String>,
    /// Only this repository (name or id); omitted: any.
    pub repository: Option<String>,
    /// Branch glob (`*`, `?`) on the pushed branch or a pull request's target; omitted: any.
    pub branch: Option<String>,
    /// Only comment events whose text contains this phrase (case-insensitive), e.g. `@vcslink review`.
    pub trigger_phrase: Option<String>,
    /// Where matching deliveries are POSTed; must pass the upstream guard (public https).
    pub target_url: String,
    /// The HMAC-SHA256 signing secret; generated and returned once when omitted.
    pub secret: Option<String>,
    /// The secret's first version (see `SecretInfo.version`); omitted: 1.
    pub secret_version: Option<i32>,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// The new automation.
#[derive(SimpleObject)]
pub struct CreateAutomationPayload {
    /// The automation.
    pub automation: Automation,
    /// The signing secret, only when generated here; shown exactly once.
    pub secret: Option<String>,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// What to change on an automation: omitted fields are kept; an explicit `null` clears a filter.
#[derive(InputObject)]
pub struct UpdateAutomationInput {
    /// The automation's global ID.
    pub id: ID,
    /// A new name (1–100 characters).
    pub name: Option<String>,
    /// The event types it reacts to (at least one), replacing the current ones.
    pub event_types: Option<Vec<WebhookEventType>>,
    /// Only this project (name or id); `null`: any.
    pub project: MaybeUndefined<String>,
    /// Only this repository (name or id); `null`: any.
    pub repository: MaybeUndefined<String>,
    /// Branch glob (`*`, `?`); `null`: any.
    pub branch: MaybeUndefined<String>,
    /// Only comment events containing this phrase (case-insensitive); `null`: every comment.
    pub trigger_phrase: MaybeUndefined<String>,
    /// Where matching deliveries are POSTed; must pass the upstream guard (public https).
    pub target_url: Option<String>,
    /// A new HMAC-SHA256 signing secret (1–256 characters); omitted: the current one stays.
    /// Write-only: never returned.
    pub secret: Option<String>,
    /// The new secret's version (see `SecretInfo.version`): the stored version with the stored
    /// secret changes nothing, with another secret (or a lower version) is `CONFLICT`; omitted:
    /// the next version.
    pub secret_version: Option<i32>,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// The automation after the update.
#[derive(SimpleObject)]
pub struct UpdateAutomationPayload {
    /// The automation.
    pub automation: Automation,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// The stored value unless `patch` says otherwise.
fn patched(patch: &MaybeUndefined<String>, stored: &Option<String>) -> Option<String> {
    match patch {
        MaybeUndefined::Undefined => stored.clone(),
        MaybeUndefined::Null => None,
        MaybeUndefined::Value(v) => Some(v.clone()),
    }
}

/// Which automation to delete.
#[derive(InputObject)]
pub struct DeleteAutomationInput {
    /// The automation's global ID.
    pub id: ID,
    /// Echoed in the payload.
    pub client_mutation_id: Option<String>,
}

/// The deleted automation's ID.
#[derive(SimpleObject)]
pub struct DeleteAutomationPayload {
    /// The global ID of the automation deleted (its pending sends are dropped).
    pub deleted_id: ID,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

#[Object]
impl AutomationMutation {
    /// ADMIN: forwards matching deliveries, signed, through the durable outbox.
    async fn create_automation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which deliveries, and where to forward them.")] input: CreateAutomationInput,
    ) -> Result<CreateAutomationPayload, ApiError> {
        let p = context::admin(ctx)?;
        let automations = context::automations(ctx)?;
        let integration_id =
            decode(Kind::AzureDevOpsIntegration, &input.integration_id, "integration", "integrationId")?;
        let kinds: Vec<EventKind> = input.event_types.iter().map(|&k| k.into()).collect();
        let new = NewAutomation::parse(AutomationFields {
            name: &input.name,
            event_types: &kinds,
            project: input.project.as_deref(),
            repository: input.repository.as_deref(),
            branch: input.branch.as_deref(),
            trigger_phrase: input.trigger_phrase.as_deref(),
            target_url: &input.target_url,
            secret: input.secret.as_deref(),
        })?;
        let (model, generated) =
            automation_admin::create(automations, &context::actor(p), &integration_id, new, input.secret_version)
                .await?;
        Ok(CreateAutomationPayload {
            automation: Automation(model),
            secret: generated.map(|s| s.expose_secret().to_owned()),
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// ADMIN: changes an automation's filters, target or secret; every field is checked as on
    /// create. Sends still queued go to the new target, signed with the new secret.
    async fn update_automation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The automation and what to change.")] input: UpdateAutomationInput,
    ) -> Result<UpdateAutomationPayload, ApiError> {
        let p = context::admin(ctx)?;
        let automations = context::automations(ctx)?;
        let id = decode(Kind::Automation, &input.id, "automation", "id")?;
        let model = automation_admin::update(automations, &context::actor(p), &id, input.secret_version, |current| {
            let kinds: Vec<EventKind> = match &input.event_types {
                Some(types) => types.iter().map(|&k| k.into()).collect(),
                None => rows::event_types(current).iter().map(|t| EventKind::parse(t)).collect(),
            };
            let (project, repository) =
                (patched(&input.project, &current.project), patched(&input.repository, &current.repository));
            let (branch, trigger_phrase) =
                (patched(&input.branch, &current.branch), patched(&input.trigger_phrase, &current.trigger_phrase));
            let parsed = NewAutomation::parse(AutomationFields {
                name: input.name.as_deref().unwrap_or(&current.name),
                event_types: &kinds,
                project: project.as_deref(),
                repository: repository.as_deref(),
                branch: branch.as_deref(),
                trigger_phrase: trigger_phrase.as_deref(),
                target_url: input.target_url.as_deref().unwrap_or(&current.target_url),
                secret: input.secret.as_deref(),
            })?;
            Ok(parsed)
        })
        .await?;
        Ok(UpdateAutomationPayload { automation: Automation(model), client_mutation_id: input.client_mutation_id })
    }

    /// ADMIN: deletes an automation and its pending sends.
    async fn delete_automation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The automation to delete.")] input: DeleteAutomationInput,
    ) -> Result<DeleteAutomationPayload, ApiError> {
        let p = context::admin(ctx)?;
        let automations = context::automations(ctx)?;
        let id = decode(Kind::Automation, &input.id, "automation", "id")?;
        automation_admin::delete(automations, &context::actor(p), &id).await?;
        Ok(DeleteAutomationPayload { deleted_id: input.id, client_mutation_id: input.client_mutation_id })
    }
}
