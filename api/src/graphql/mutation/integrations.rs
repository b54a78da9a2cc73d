//! Integration mutations: create, update, verify, rotate the webhook password, unlink.

use async_graphql::{Context, Object};
use secrecy::{ExposeSecret, SecretString};

use super::integration_inputs::*;
use crate::domain::global_id::{Kind, decode};
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::integration::AzureDevOpsIntegration;
use crate::graphql::types::verification::Verification;
use crate::integrations::update::{Patch, UpdateInput};
use crate::integrations::{create, lifecycle, parse::CreateInput, update};

#[derive(Default)]
pub struct IntegrationMutation;

fn patch<T, U>(v: async_graphql::MaybeUndefined<T>, f: impl FnOnce(T) -> U) -> Patch<U> {
    match v {
        async_graphql::MaybeUndefined::Undefined => Patch::Keep,
        async_graphql::MaybeUndefined::Null => Patch::Clear,
        async_graphql::MaybeUndefined::Value(t) => Patch::Set(f(t)),
    }
}

#[Object]
impl IntegrationMutation {
    /// ADMIN: registers an Azure DevOps organization. A failing verification still stores the
    /// integration (status FAILING, code and hint in `verification`); `validateOnly` stores nothing.
    async fn create_azure_dev_ops_integration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization, its credentials and options.")] input: CreateAzureDevOpsIntegrationInput,
    ) -> Result<CreateAzureDevOpsIntegrationPayload, ApiError> {
        let p = context::admin(ctx)?;
        let state = context::state(ctx)?;
        let raw = CreateInput {
            name: input.name,
            description: input.description,
            labels: input.labels,
            is_default: input.is_default,
            organization_url: input.organization_url,
            flavor: input.flavor.map(Into::into),
            accessible_projects: input.accessible_projects,
            personal_access_token: input.personal_access_token.map(SecretString::from),
            oauth_app: input.oauth_app.map(Into::into),
            webhook_password: input.webhook_password.map(SecretString::from),
            verify: input.verify,
            validate_only: input.validate_only,
            idempotency_key: input.idempotency_key,
        };
        let out = create::create(state, p, &context::actor(p), raw).await?;
        Ok(CreateAzureDevOpsIntegrationPayload {
            integration: out.integration.map(AzureDevOpsIntegration::new),
            webhook_password: out.webhook_password.map(|s| s.expose_secret().to_owned()),
            verification: out.verification.map(Verification),
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// ADMIN: changes any field but flavor and organization URL; an explicit null clears
    /// `description`, `accessibleProjects`, `personalAccessToken` or `oauthApp`.
    async fn update_azure_dev_ops_integration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration and the fields to change.")] input: UpdateAzureDevOpsIntegrationInput,
    ) -> Result<UpdateAzureDevOpsIntegrationPayload, ApiError> {
        let p = context::admin(ctx)?;
        let state = context::state(ctx)?;
        let raw = UpdateInput {
            id: decode(Kind::AzureDevOpsIntegration, &input.id, "integration")?,
            name: input.name,
            description: patch(input.description, |d| d),
            labels: input.labels,
            is_default: input.is_default,
            accessible_projects: patch(input.accessible_projects, |p| p),
            personal_access_token: patch(input.personal_access_token, SecretString::from),
            oauth_app: patch(input.oauth_app, Into::into),
            webhook_password: input.webhook_password.map(SecretString::from),
            verify: input.verify,
            validate_only: input.validate_only,
        };
        let out = update::update(state, p, &context::actor(p), raw).await?;
        Ok(UpdateAzureDevOpsIntegrationPayload {
            integration: out.integration.map(AzureDevOpsIntegration::new),
            verification: out.verification.map(Verification),
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// ADMIN: checks the stored credentials against Azure DevOps now and records the outcome.
    async fn verify_azure_dev_ops_integration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration to verify.")] input: VerifyAzureDevOpsIntegrationInput,
    ) -> Result<VerifyAzureDevOpsIntegrationPayload, ApiError> {
        let p = context::admin(ctx)?;
        let state = context::state(ctx)?;
        let id = decode(Kind::AzureDevOpsIntegration, &input.id, "integration")?;
        let (model, v) = lifecycle::verify_now(state, p, &context::actor(p), &id).await?;
        Ok(VerifyAzureDevOpsIntegrationPayload {
            integration: AzureDevOpsIntegration::new(model),
            verification: Verification(v),
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// ADMIN: sets a new webhook password; a generated one is returned exactly once. The previous
    /// password is still accepted for a grace window (default 24 h), and installed service hooks get the new one.
    async fn rotate_webhook_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration and, optionally, the new password.")] input: RotateWebhookPasswordInput,
    ) -> Result<RotateWebhookPasswordPayload, ApiError> {
        let p = context::admin(ctx)?;
        let state = context::state(ctx)?;
        let id = decode(Kind::AzureDevOpsIntegration, &input.id, "integration")?;
        let given = input.webhook_password.map(SecretString::from);
        let (model, generated, updated) =
            lifecycle::rotate_webhook_password(state, p, &context::actor(p), &id, given).await?;
        Ok(RotateWebhookPasswordPayload {
            integration: AzureDevOpsIntegration::new(model),
            webhook_password: generated.map(|s| s.expose_secret().to_owned()),
            updated_service_hooks: updated,
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// ADMIN: deletes the integration and all its secret material (and, unless `removeServiceHooks: false`,
    /// its service hooks in Azure DevOps). Later webhook deliveries get 410 Gone.
    async fn unlink_azure_dev_ops_integration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration to unlink.")] input: UnlinkAzureDevOpsIntegrationInput,
    ) -> Result<UnlinkAzureDevOpsIntegrationPayload, ApiError> {
        let p = context::admin(ctx)?;
        let state = context::state(ctx)?;
        let id = decode(Kind::AzureDevOpsIntegration, &input.id, "integration")?;
        let removed = lifecycle::unlink(state, p, &context::actor(p), &id, input.remove_service_hooks).await?;
        Ok(UnlinkAzureDevOpsIntegrationPayload {
            unlinked_id: input.id,
            removed_service_hooks: removed,
            client_mutation_id: input.client_mutation_id,
        })
    }
}
