//! Inputs and payloads of the integration mutations (field names are contract).

use async_graphql::{ID, InputObject, MaybeUndefined, SimpleObject};

use super::app_identity_input::AppIdentityInput;
use crate::domain::integration::{IntegrationChanges, NewIntegration, Patch};
use crate::domain::oauth_app::OAuthAppFields;
use crate::domain::secret_version::SecretVersions;
use crate::domain::user_authorization_methods::UserAuthorizationMethods;
use crate::domain::{
    Description, IntegrationName, InvalidInput, Labels, OrganizationUrl, PersonalAccessToken, ProjectNames,
    WebhookPassword,
};
use crate::error::ApiError;
use crate::graphql::types::enums::{AzureDevOpsFlavor, UserAuthorizationMethod};
use crate::graphql::types::integration::AzureDevOpsIntegration;
use crate::graphql::types::verification::Verification;

/// A Microsoft Entra ID app users authorize through. Authorization and token URLs are derived
/// from the tenant (`VCSLINK_ENTRA_AUTHORITY/{tenant}/oauth2/v2.0/...`) unless given.
#[derive(InputObject, Clone)]
#[graphql(name = "OAuthAppInput")]
pub struct OAuthAppInput {
    /// Directory (tenant) ID, or a verified domain; or give `issuerUrl`. Omitted: the tenant the
    /// organization names (its resource tenant). `common`, `organizations` and `consumers` are
    /// refused: Azure DevOps accepts tokens from the organization's own tenant only.
    pub tenant_id: Option<String>,
    /// `https://login.microsoftonline.com/{tenant}/v2.0`.
    pub issuer_url: Option<String>,
    /// The authorization endpoint; omitted: derived from the tenant.
    pub authorization_url: Option<String>,
    /// The token endpoint; omitted: derived from the tenant.
    pub token_url: Option<String>,
    /// Application (client) ID.
    pub client_id: String,
    /// The client secret's Value (not its Secret ID). Write-only.
    pub client_secret: String,
    /// Defaults to code read/write, work items, offline_access and sign-in scopes.
    pub scopes: Option<Vec<String>>,
    /// The client secret's version, for a provider's `_wo_version`: the stored version with the
    /// stored secret changes nothing, with another secret (or a lower version) is `CONFLICT`;
    /// omitted: the input's `secretVersion`, else the next version.
    pub secret_version: Option<i32>,
}

impl From<OAuthAppInput> for OAuthAppFields {
    fn from(i: OAuthAppInput) -> Self {
        OAuthAppFields {
            tenant_id: i.tenant_id,
            issuer_url: i.issuer_url,
            authorization_url: i.authorization_url,
            token_url: i.token_url,
            client_id: i.client_id,
            client_secret: i.client_secret,
            scopes: i.scopes,
        }
    }
}

/// A new integration: the organization, its credentials and the webhook password.
#[derive(InputObject)]
pub struct CreateAzureDevOpsIntegrationInput {
    /// Unique per tenant (case-insensitive), 1–100 characters.
    pub name: String,
    /// Free text for people; omitted: none.
    pub description: Option<String>,
    /// Free labels for filtering (stored lower-case, sorted); omitted: none.
    pub labels: Option<Vec<String>>,
    /// Make this the tenant's default integration (clears the flag elsewhere).
    pub is_default: Option<bool>,
    /// https://dev.azure.com/{org}, https://{org}.visualstudio.com, or https://host[:port]/[tfs/]{collection}.
    pub organization_url: String,
    /// Inferred from the host when omitted; when given it wins over the host.
    pub flavor: Option<AzureDevOpsFlavor>,
    /// Limit everything the server lists or acts on to these projects.
    pub accessible_projects: Option<Vec<String>>,
    /// Write-only. Needs scopes
    /// Code (Read & write) (vso.code_write), Project and team (Read) (vso.project) and Work Items (Read & write) (vso.work_write).
    pub personal_access_token: Option<String>,
    /// Entra ID OAuth app (Azure DevOps Services only).
    pub oauth_app: Option<OAuthAppInput>,
    /// The integration's own Entra identity (a service principal added to the organization), used
    /// for background work ahead of the PAT (Azure DevOps Services only).
    pub app_identity: Option<AppIdentityInput>,
    /// Service Hook HTTP Basic password; generated (and returned once) when omitted.
    pub webhook_password: Option<String>,
    /// How users may connect their own Azure DevOps account; omitted: every way the integration
    /// can offer (`OAUTH` with an `oauthApp`, `PERSONAL_ACCESS_TOKEN` always), now and after
    /// later changes. An empty list lets nobody connect.
    pub user_authorization_methods: Option<Vec<UserAuthorizationMethod>>,
    /// The personal access token's version (see `SecretInfo.version`): the stored version with
    /// the stored token changes nothing, with another token (or a lower version) is `CONFLICT`;
    /// omitted: `secretVersion`, else the next version.
    pub personal_access_token_version: Option<i32>,
    /// The webhook password's version, compared as `personalAccessTokenVersion` is; omitted:
    /// `secretVersion`, else the next version.
    pub webhook_password_version: Option<i32>,
    /// The version of every secret this input sets that gives none of its own (a provider with
    /// one `_wo_version` for the resource); omitted: each secret's next version.
    pub secret_version: Option<i32>,
    /// Verify the credentials against Azure DevOps before storing.
    #[graphql(default = true)]
    pub verify: bool,
    /// Check everything, store nothing.
    #[graphql(default = false)]
    pub validate_only: bool,
    /// The same key with the same input returns the same integration; with other input, CONFLICT.
    /// A key is kept 24 hours, and is free again once its integration is unlinked (the next
    /// create with it makes a new integration).
    pub idempotency_key: Option<String>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

impl CreateAzureDevOpsIntegrationInput {
    /// Every field parsed into domain types.
    pub fn parse(&self) -> Result<NewIntegration, InvalidInput> {
        Ok(NewIntegration {
            org: OrganizationUrl::parse(&self.organization_url, self.flavor.map(Into::into))?,
            pat: self.personal_access_token.as_ref().map(PersonalAccessToken::parse).transpose()?,
            oauth_app: self.oauth_app.clone().map(Into::into),
            app_identity: self.app_identity.as_ref().map(AppIdentityInput::parse).transpose()?,
            name: IntegrationName::parse(&self.name)?,
            description: self.description.as_deref().map(Description::parse).transpose()?.flatten(),
            labels: Labels::parse(self.labels.as_deref().unwrap_or_default())?,
            is_default: self.is_default.unwrap_or(false),
            projects: self.accessible_projects.as_deref().map(ProjectNames::parse).transpose()?,
            webhook_password: self.webhook_password.as_ref().map(WebhookPassword::parse).transpose()?,
            user_authorization_methods: self.user_authorization_methods.as_deref().map(methods),
            versions: versions(
                self.secret_version,
                [self.personal_access_token_version, self.webhook_password_version],
                self.oauth_app.as_ref().and_then(|a| a.secret_version),
                self.app_identity.as_ref().and_then(|a| a.secret_version),
            ),
        })
    }
}

/// Each secret's version: its own field, else the input's `secretVersion`.
fn versions(
    all: Option<i32>,
    [pat, webhook_password]: [Option<i32>; 2],
    oauth_client_secret: Option<i32>,
    app_secret: Option<i32>,
) -> SecretVersions {
    SecretVersions {
        pat: pat.or(all),
        oauth_client_secret: oauth_client_secret.or(all),
        app_secret: app_secret.or(all),
        webhook_password: webhook_password.or(all),
    }
}

/// The domain set of the GraphQL list.
fn methods(list: &[UserAuthorizationMethod]) -> UserAuthorizationMethods {
    UserAuthorizationMethods::from_list(&list.iter().map(|&m| m.into()).collect::<Vec<_>>())
}

/// The created integration, its verification, and the webhook password when generated.
#[derive(SimpleObject)]
pub struct CreateAzureDevOpsIntegrationPayload {
    /// Null only with `validateOnly`.
    pub integration: Option<AzureDevOpsIntegration>,
    /// Only when generated here; shown exactly once.
    pub webhook_password: Option<String>,
    /// Null when `verify: false`.
    pub verification: Option<Verification>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// Changes to an integration: omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateAzureDevOpsIntegrationInput {
    /// The integration's global ID.
    pub id: ID,
    /// The new name, unique per tenant (case-insensitive); omitted: unchanged.
    pub name: Option<String>,
    /// Null clears it.
    pub description: MaybeUndefined<String>,
    /// Replaces every label; omitted: unchanged.
    pub labels: Option<Vec<String>>,
    /// True makes it the tenant's default (clears the flag elsewhere); omitted: unchanged.
    pub is_default: Option<bool>,
    /// Null: every project the credential sees.
    pub accessible_projects: MaybeUndefined<Vec<String>>,
    /// Write-only; null removes the PAT (an OAuth app must remain).
    pub personal_access_token: MaybeUndefined<String>,
    /// Null removes the OAuth app (a PAT must remain).
    pub oauth_app: MaybeUndefined<OAuthAppInput>,
    /// Replaces the app identity; null removes it (another credential must remain).
    pub app_identity: MaybeUndefined<AppIdentityInput>,
    /// A new Service Hook HTTP Basic password, as `rotateWebhookPassword` sets one: the previous
    /// password stays accepted for the grace window and installed hooks are updated (a hook that
    /// cannot be yet is a warning, retried later); omitted: unchanged.
    pub webhook_password: Option<String>,
    /// How users may connect; null: every way the integration can offer; omitted: unchanged.
    /// A method taken away expires the users' authorizations made with it.
    pub user_authorization_methods: MaybeUndefined<Vec<UserAuthorizationMethod>>,
    /// The personal access token's version (see `SecretInfo.version`): the stored version with
    /// the stored token changes nothing, with another token (or a lower version) is `CONFLICT`;
    /// omitted: `secretVersion`, else the next version.
    pub personal_access_token_version: Option<i32>,
    /// The webhook password's version, compared as `personalAccessTokenVersion` is; omitted:
    /// `secretVersion`, else the next version.
    pub webhook_password_version: Option<i32>,
    /// The version of every secret this input sets that gives none of its own (a provider with
    /// one `_wo_version` for the resource); omitted: each secret's next version.
    pub secret_version: Option<i32>,
    /// Verify the resulting credentials against Azure DevOps before storing.
    #[graphql(default = true)]
    pub verify: bool,
    /// Check everything, store nothing.
    #[graphql(default = false)]
    pub validate_only: bool,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

impl UpdateAzureDevOpsIntegrationInput {
    /// Every given field parsed into domain types.
    pub fn parse(&self) -> Result<IntegrationChanges, InvalidInput> {
        Ok(IntegrationChanges {
            name: self.name.as_deref().map(IntegrationName::parse).transpose()?,
            description: match &self.description {
                MaybeUndefined::Undefined => Patch::Keep,
                MaybeUndefined::Null => Patch::Clear,
                MaybeUndefined::Value(d) => Description::parse(d)?.map_or(Patch::Clear, Patch::Set),
            },
            labels: self.labels.as_deref().map(Labels::parse).transpose()?,
            is_default: self.is_default,
            projects: patch(&self.accessible_projects, |list| ProjectNames::parse(list))?,
            pat: patch(&self.personal_access_token, PersonalAccessToken::parse)?,
            oauth_app: patch(&self.oauth_app, |app| Ok(app.clone().into()))?,
            app_identity: patch(&self.app_identity, AppIdentityInput::parse)?,
            webhook_password: self.webhook_password.as_ref().map(WebhookPassword::parse).transpose()?,
            user_authorization_methods: patch(&self.user_authorization_methods, |list| Ok(methods(list)))?,
            versions: versions(
                self.secret_version,
                [self.personal_access_token_version, self.webhook_password_version],
                self.oauth_app.value().and_then(|a| a.secret_version),
                self.app_identity.value().and_then(|a| a.secret_version),
            ),
        })
    }
}

/// `MaybeUndefined` as a [`Patch`], the value parsed.
fn patch<T, U>(
    v: &MaybeUndefined<T>,
    parse: impl FnOnce(&T) -> Result<U, InvalidInput>,
) -> Result<Patch<U>, InvalidInput> {
    Ok(match v {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(t) => Patch::Set(parse(t)?),
    })
}

/// The integration after the update.
#[derive(SimpleObject)]
pub struct UpdateAzureDevOpsIntegrationPayload {
    /// Null only with `validateOnly`.
    pub integration: Option<AzureDevOpsIntegration>,
    /// Null when `verify: false`.
    pub verification: Option<Verification>,
    /// When `webhookPassword` changed: how many installed service hooks now send the new one
    /// (the previous password stays accepted for the grace window); null otherwise.
    pub updated_service_hooks: Option<i32>,
    /// How many users' authorizations expired because the OAuth app was replaced or removed (a
    /// new client ID, tenant or endpoint) or their method was taken out of
    /// `userAuthorizationMethods`: those users connect again.
    pub expired_user_authorizations: i32,
    /// What needs attention: each service hook that could not take the new webhook password yet
    /// (the server retries it until it does).
    pub warnings: Vec<String>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// Which integration to verify.
#[derive(InputObject)]
pub struct VerifyAzureDevOpsIntegrationInput {
    /// The integration's global ID.
    pub id: ID,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// The integration with its new verification.
#[derive(SimpleObject)]
pub struct VerifyAzureDevOpsIntegrationPayload {
    /// The integration, its status updated.
    pub integration: AzureDevOpsIntegration,
    /// What the verification found.
    pub verification: Verification,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// Which integration's webhook password to rotate, and to what.
#[derive(InputObject)]
pub struct RotateWebhookPasswordInput {
    /// The integration's global ID (as in the other integration mutations' `integrationId`).
    pub integration_id: Option<ID>,
    /// The integration's global ID: the older name of `integrationId`.
    #[graphql(deprecation = "use integrationId, as the other mutations on an integration do")]
    pub id: Option<ID>,
    /// The new password (16–256 characters); generated and returned once when omitted.
    pub webhook_password: Option<String>,
    /// The new password's version (see `SecretInfo.version`): the stored version with the stored
    /// password changes nothing, with another password (or a lower version) is `CONFLICT`;
    /// omitted: the next version.
    pub secret_version: Option<i32>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

impl RotateWebhookPasswordInput {
    /// `integrationId`, or the deprecated `id`: exactly one, with the name it came under.
    pub fn integration(&self) -> Result<(&ID, &'static str), ApiError> {
        match (&self.integration_id, &self.id) {
            (Some(id), None) => Ok((id, "integrationId")),
            (None, Some(id)) => Ok((id, "id")),
            (Some(_), Some(_)) => Err(ApiError::validation(
                "id",
                "give integrationId or id, not both",
                Some("send integrationId only; id is its deprecated name"),
            )),
            (None, None) => {
                Err(ApiError::validation("integrationId", "is required", Some("the integration's global ID")))
            }
        }
    }
}

/// Which integration's webhook password to reveal.
#[derive(InputObject)]
pub struct RevealWebhookPasswordInput {
    /// The integration's global ID.
    pub integration_id: ID,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// The revealed password.
#[derive(SimpleObject)]
pub struct RevealWebhookPasswordPayload {
    /// The webhook password Azure DevOps authenticates with (HTTP Basic password).
    pub webhook_password: String,
    /// The input's `clientMutationId`.
    pub client_mutation_id: Option<String>,
}

/// The integration after the rotation.
#[derive(SimpleObject)]
pub struct RotateWebhookPasswordPayload {
    /// The integration.
    pub integration: AzureDevOpsIntegration,
    /// Only when generated here; shown exactly once.
    pub webhook_password: Option<String>,
    /// How many installed service hooks now send the new password.
    pub updated_service_hooks: i32,
    /// Each service hook that could not take the new password yet (the server retries it until it does).
    pub warnings: Vec<String>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// Which integration to unlink.
#[derive(InputObject)]
pub struct UnlinkAzureDevOpsIntegrationInput {
    /// The integration's global ID.
    pub id: ID,
    /// Delete the service-hook subscriptions vcslink installed in Azure DevOps.
    #[graphql(default = true)]
    pub remove_service_hooks: bool,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// What the unlink removed.
#[derive(SimpleObject)]
pub struct UnlinkAzureDevOpsIntegrationPayload {
    /// The global ID of the integration deleted.
    pub unlinked_id: ID,
    /// How many service-hook subscriptions were deleted in Azure DevOps (0 with `removeServiceHooks: false`).
    pub removed_service_hooks: i32,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}
