//! `migrateIntegrationCredential`: switch the integration's own identity between its PAT and its
//! app identity once the target verifies green (and back, to roll back).

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};

use crate::domain::global_id::{Kind, decode};
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::integration::AzureDevOpsIntegration;
use crate::graphql::types::verification::Verification;
use crate::integrations::migrate::{self, To};

/// One of an integration's credentials.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    /// The integration's personal access token.
    Pat,
    /// The Entra ID OAuth app users connect through (it never acts for the integration itself).
    OauthApp,
    /// The integration's own Entra identity (a service principal or managed identity).
    AppIdentity,
}

/// Which integration, and which of its own credentials should act.
#[derive(InputObject)]
pub struct MigrateIntegrationCredentialInput {
    /// The integration's global ID.
    pub id: ID,
    /// `APP_IDENTITY` to move off the PAT, `PAT` to roll back.
    pub to: CredentialKind,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// The integration after the migration attempt.
#[derive(SimpleObject)]
pub struct MigrateIntegrationCredentialPayload {
    /// The integration (its `actingCredential` says which one acts now).
    pub integration: AzureDevOpsIntegration,
    /// The verification of the target credential alone.
    pub verification: Verification,
    /// True when the target verified green and now acts; false: nothing changed.
    pub switched: bool,
    /// `to: APP_IDENTITY`: service hooks the PAT had created, now created again by the app
    /// identity (the PAT's copies are deleted), so they no longer depend on the PAT's owner.
    pub moved_service_hooks: i32,
    /// Service hooks still owned by the PAT because moving them failed; migrate again to retry.
    pub service_hooks_left: i32,
    /// Why the first of `serviceHooksLeft` could not be moved.
    pub service_hooks_failure: Option<String>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

#[derive(Default)]
pub struct CredentialMigrationMutation;

#[Object]
impl CredentialMigrationMutation {
    /// ADMIN: verifies the target credential alone and, only when it is green, makes it the one the
    /// integration acts with (verification, reads without a user's own authorization, service
    /// hooks); until then the current one keeps answering, so no request fails during the switch.
    async fn migrate_integration_credential(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration and the credential to act with.")] input: MigrateIntegrationCredentialInput,
    ) -> Result<MigrateIntegrationCredentialPayload, ApiError> {
        let p = context::admin(ctx)?;
        let integrations = context::integrations(ctx)?;
        let id = decode(Kind::AzureDevOpsIntegration, &input.id, "integration", "id")?;
        let to = match input.to {
            CredentialKind::Pat => To::PersonalAccessToken,
            CredentialKind::AppIdentity => To::AppIdentity,
            CredentialKind::OauthApp => {
                return Err(ApiError::validation(
                    "to",
                    "an OAuth app acts for its users, never for the integration itself",
                    Some("migrate to APP_IDENTITY or PAT"),
                ));
            }
        };
        let done = migrate::migrate(integrations, p, &context::actor(p), &id, to).await?;
        Ok(MigrateIntegrationCredentialPayload {
            integration: AzureDevOpsIntegration::new(done.integration),
            verification: Verification(done.verification),
            switched: done.switched,
            moved_service_hooks: done.service_hooks.moved,
            service_hooks_left: done.service_hooks.left,
            service_hooks_failure: done.service_hooks.failure,
            client_mutation_id: input.client_mutation_id,
        })
    }
}
