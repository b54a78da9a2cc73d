//! Integration mutations: create, update, verify, rotate the webhook password, unlink.

use async_graphql::{Context, Object};
use secrecy::ExposeSecret;

use super::integration_inputs::*;
use crate::domain::WebhookPassword;
use crate::domain::global_id::{Kind, decode};
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::integration::AzureDevOpsIntegration;
use crate::graphql::types::verification::Verification;
use crate::integrations::{create, lifecycle, update};

#[derive(Default)]
pub struct IntegrationMutation;

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
        let integrations = context::integrations(ctx)?;
        let new = input.parse()?;
        let options = create::Options {
            verify: input.verify,
            validate_only: input.validate_only,
            idempotency_key: input.idempotency_key.clone(),
        };
        let out = create::create(integrations, p, &context::actor(p), new, options).await?;
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
        let integrations = context::integrations(ctx)?;
        let id = decode(Kind::AzureDevOpsIntegration, &input.id, "integration", "id")?;
        let changes = input.parse()?;
        let options = update::Options { verify: input.verify, validate_only: input.validate_only };
        let out = update::update(integrations, p, &context::actor(p), &id, changes, options).await?;
        let pushed = out.service_hooks;
        Ok(UpdateAzureDevOpsIntegrationPayload {
            integration: out.integration.map(AzureDevOpsIntegration::new),
            verification: out.verification.map(Verification),
            updated_service_hooks: pushed.as_ref().map(|p| p.updated),
            expired_user_authorizations: i32::try_from(out.expired_user_authorizations).unwrap_or(i32::MAX),
            warnings: pushed.map(|p| p.warnings).unwrap_or_default(),
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
        let integrations = context::integrations(ctx)?;
        let id = decode(Kind::AzureDevOpsIntegration, &input.id, "integration", "id")?;
        let (model, v) = lifecycle::verify_now(integrations, p, &context::actor(p), &id).await?;
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
        let integrations = context::integrations(ctx)?;
        let (given_id, field) = input.integration()?;
        let id = decode(Kind::AzureDevOpsIntegration, given_id, "integration", field)?;
        let given = input.webhook_password.as_deref().map(WebhookPassword::parse).transpose()?;
        let (model, generated, updated) =
            lifecycle::rotate_webhook_password(integrations, p, &context::actor(p), &id, given, input.secret_version)
                .await?;
        let updated = updated.unwrap_or_default();
        Ok(RotateWebhookPasswordPayload {
            integration: AzureDevOpsIntegration::new(model),
            webhook_password: generated.map(|s| s.expose_secret().to_owned()),
            updated_service_hooks: updated.updated,
            warnings: updated.warnings,
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// ADMIN: the integration's current webhook password, for a provider's ephemeral resource that
    /// must not keep it in state. Every reveal is an audit event (`integration.reveal_webhook_password`),
    /// and at most 10 per integration per minute are answered (`RATE_LIMITED` beyond).
    async fn reveal_webhook_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration.")] input: RevealWebhookPasswordInput,
    ) -> Result<RevealWebhookPasswordPayload, ApiError> {
        let p = context::admin(ctx)?;
        let integrations = context::integrations(ctx)?;
        let id = decode(Kind::AzureDevOpsIntegration, &input.integration_id, "integration", "integrationId")?;
        let password = crate::integrations::reveal::webhook_password(integrations, &context::actor(p), &id).await?;
        Ok(RevealWebhookPasswordPayload {
            webhook_password: password.expose_secret().to_owned(),
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
        let integrations = context::integrations(ctx)?;
        let id = decode(Kind::AzureDevOpsIntegration, &input.id, "integration", "id")?;
        let removed = lifecycle::unlink(integrations, p, &context::actor(p), &id, input.remove_service_hooks).await?;
        Ok(UnlinkAzureDevOpsIntegrationPayload {
            unlinked_id: input.id,
            removed_service_hooks: removed,
            client_mutation_id: input.client_mutation_id,
        })
    }
}
