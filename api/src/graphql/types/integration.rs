//! `AzureDevOpsIntegration` and its secret-free parts (`SecretInfo`, `OAuthAppInfo`, `WebhookInfo`).

use crate::graphql::types::timestamp::Timestamp;
use std::sync::Arc;

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject};
use entity::integration::Model;

use super::app_identity::AppIdentityInfo;
use super::browse::project::Project;
use super::browse::repository::Repository;
use super::enums::{AzureDevOpsFlavor, IntegrationStatus, UserAuthorizationMethod};
use super::user_authorization::UserAuthorization;
use super::verification::Verification;
use crate::browse::credential::Purpose;
use crate::browse::scope::Scope;
use crate::browse::{projects, repositories};
use crate::domain::flavor::Flavor;
use crate::domain::global_id::{Kind, encode};
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::loaders::{self, automations::AutomationsOf};
use crate::graphql::mutation::credential_migration::CredentialKind;
use crate::graphql::pagination::{RowConnection, UpstreamConnection, upstream_connection, window};
use crate::integration_credential::Kind as OwnKind;
use crate::store::integrations as rows;
use crate::store::user_authorizations::Owner;

/// A link between this platform and one Azure DevOps organization (or Server collection).
pub struct AzureDevOpsIntegration(pub Arc<Model>);

impl AzureDevOpsIntegration {
    pub fn new(m: Model) -> Self {
        AzureDevOpsIntegration(Arc::new(m))
    }
}

/// A stored secret, described without its value.
#[derive(SimpleObject, Clone)]
pub struct SecretInfo {
    /// The last 4 characters, to tell secrets apart.
    pub hint: String,
    /// When the secret was set.
    pub set_at: Timestamp,
    /// When the secret expires, when known.
    pub expires_at: Option<Timestamp>,
    /// How many times the secret changed: 1 for the first value, then the next number with each
    /// change, or the `secretVersion` the change came with (a provider's `_wo_version`).
    pub version: i32,
}

/// The Microsoft Entra ID app users authorize through (client secret never shown).
#[derive(SimpleObject, Clone)]
#[graphql(name = "OAuthAppInfo")]
pub struct OAuthAppInfo {
    /// The Entra tenant (GUID or domain): as given, or the organization's own when the input omitted it.
    pub tenant_id: String,
    /// The token issuer, `https://login.microsoftonline.com/{tenant}/v2.0` unless given.
    pub issuer_url: String,
    /// Where users are sent to authorize (derived from the tenant unless given).
    pub authorization_url: String,
    /// Where codes and refresh tokens are exchanged (derived from the tenant unless given).
    pub token_url: String,
    /// Application (client) ID.
    pub client_id: String,
    /// The client secret, described without its value.
    pub client_secret: SecretInfo,
    /// The scopes requested when a user authorizes.
    pub scopes: Vec<String>,
    /// The redirect URI to register on the app: `{VCSLINK_PUBLIC_URL}/oauth/azure-devops/callback`.
    pub redirect_uri: String,
}

/// Where Azure DevOps Service Hooks deliver, and whether the password is set.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct WebhookInfo {
    /// `{VCSLINK_PUBLIC_URL}/webhooks/azure-devops/{id}`; Azure DevOps sends HTTP Basic with the webhook password.
    pub endpoint_url: String,
    /// Whether a webhook password is stored (always true for an integration created here). Never the value.
    pub password_set: bool,
    /// When the last delivery arrived; null before the first.
    pub last_delivery_at: Option<Timestamp>,
    #[graphql(skip)]
    integration: Arc<Model>,
}

#[ComplexObject]
impl WebhookInfo {
    /// Deliveries removed by the retention purge (older than `VCSLINK_DELIVERY_RETENTION_DAYS`):
    /// their rows and payloads are gone, and this counts them.
    async fn purged_deliveries(&self) -> i64 {
        self.integration.purged_deliveries
    }

    /// The password, described without its value (its version for a provider's `_wo_version`).
    async fn password(&self, ctx: &Context<'_>) -> Result<SecretInfo, ApiError> {
        let m = &self.integration;
        let password =
            rows::open_webhook_password(&context::integrations(ctx)?.keyring, m).map_err(ApiError::internal)?;
        Ok(SecretInfo {
            hint: crate::domain::WebhookPassword::from_stored(password).hint(),
            set_at: m.webhook_password_set_at.into(),
            expires_at: None,
            version: m.webhook_password_version,
        })
    }
}

/// A link between this platform and one Azure DevOps organization (or Server collection).
#[Object]
impl AzureDevOpsIntegration {
    /// Global ID.
    pub async fn id(&self) -> ID {
        encode(Kind::AzureDevOpsIntegration, &self.0.id).into()
    }

    /// Unique per tenant (case-insensitive).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Free text for people; null when none was given.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Free labels for filtering, lower-case, sorted.
    async fn labels(&self) -> Vec<String> {
        rows::labels(&self.0)
    }

    /// At most one integration per tenant is the default.
    async fn is_default(&self) -> bool {
        self.0.is_default
    }

    /// Azure DevOps Services or Azure DevOps Server.
    async fn flavor(&self) -> AzureDevOpsFlavor {
        Flavor::parse(&self.0.flavor).unwrap_or(Flavor::Services).into()
    }

    /// Canonical URL: https://dev.azure.com/contoso (also for contoso.visualstudio.com), or https://host/[tfs/]Collection.
    async fn organization_url(&self) -> &str {
        &self.0.organization_url
    }

    /// Organization name, or collection name on Azure DevOps Server.
    async fn organization(&self) -> &str {
        &self.0.organization
    }

    /// Allow-list of project names; null means every project the credential sees.
    async fn accessible_projects(&self) -> Option<Vec<String>> {
        rows::accessible_projects(&self.0)
    }

    /// How users may connect their own Azure DevOps account: the admin's choice, or every way
    /// the integration can offer (`OAUTH` with an OAuth app, `PERSONAL_ACCESS_TOKEN`).
    async fn user_authorization_methods(&self) -> Vec<UserAuthorizationMethod> {
        rows::user_authorization_methods(&self.0).list().into_iter().map(Into::into).collect()
    }

    /// The integration's personal access token, described; null when none. Never the value.
    async fn personal_access_token(&self) -> Option<SecretInfo> {
        Some(SecretInfo {
            hint: self.0.pat_hint.clone()?,
            set_at: self.0.pat_set_at?.into(),
            expires_at: self.0.pat_expires_at.map(Into::into),
            version: self.0.pat_version,
        })
    }

    /// Which of its own credentials the integration acts with now (verification, reads without a
    /// user's own authorization, service hooks): `APP_IDENTITY` or `PAT`; null when it has neither.
    async fn acting_credential(&self) -> Option<CredentialKind> {
        crate::integration_credential::acting_kind(&self.0).map(|kind| match kind {
            OwnKind::AppIdentity => CredentialKind::AppIdentity,
            OwnKind::PersonalAccessToken => CredentialKind::Pat,
        })
    }

    /// The integration's own Entra identity (a service principal); null when none.
    async fn app_identity(&self, ctx: &Context<'_>) -> Result<Option<AppIdentityInfo>, ApiError> {
        Ok(AppIdentityInfo::of(&self.0, &context::accounts(ctx)?.public_url))
    }

    /// The Entra ID OAuth app; null when none.
    async fn oauth_app(&self, ctx: &Context<'_>) -> Result<Option<OAuthAppInfo>, ApiError> {
        let m = &self.0;
        let (Some(tenant_id), Some(client_id), Some(hint), Some(set_at)) = (
            m.oauth_tenant_id.clone(),
            m.oauth_client_id.clone(),
            m.oauth_client_secret_hint.clone(),
            m.oauth_client_secret_set_at,
        ) else {
            return Ok(None);
        };
        let accounts = context::accounts(ctx)?;
        Ok(Some(OAuthAppInfo {
            tenant_id,
            issuer_url: m.oauth_issuer_url.clone().unwrap_or_default(),
            authorization_url: m.oauth_authorization_url.clone().unwrap_or_default(),
            token_url: m.oauth_token_url.clone().unwrap_or_default(),
            client_id,
            client_secret: SecretInfo {
                hint,
                set_at: set_at.into(),
                expires_at: None,
                version: m.oauth_client_secret_version,
            },
            scopes: rows::oauth_scopes(m),
            redirect_uri: accounts.oauth_redirect_uri(),
        }))
    }

    /// Where Service Hooks deliver, and whether the webhook password is set.
    async fn webhook(&self, ctx: &Context<'_>) -> Result<WebhookInfo, ApiError> {
        let service_hooks = context::service_hooks(ctx)?;
        Ok(WebhookInfo {
            endpoint_url: service_hooks.webhook_endpoint(&self.0.id),
            password_set: !self.0.webhook_password_sealed.is_empty(),
            last_delivery_at: self.0.last_delivery_at.map(Into::into),
            integration: self.0.clone(),
        })
    }

    /// Projects the credential sees (limited by `accessibleProjects`), in Azure DevOps' order.
    /// Null, with the error, when Azure DevOps cannot be asked (the integration stays readable).
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (`pageInfo.endCursor` of the previous page); null: from the start.")]
        after: Option<String>,
    ) -> Result<Option<UpstreamConnection<Project>>, ApiError> {
        let browse = context::browse(ctx)?;
        let p = context::principal(ctx)?;
        let w = window(first, after.as_deref())?;
        let scope = Scope::open(browse, p, (*self.0).clone(), Purpose::Read).await?;
        let page = projects::page(browse, &scope, &w).await?;
        Ok(Some(upstream_connection(page, after.is_some(), Project::from)))
    }

    /// Repositories of one project (or all), by project then name; `search` matches names
    /// case-insensitively. One upstream call, whatever the page size or the allow-list. Null, with the
    /// error, when Azure DevOps cannot be asked (the integration stays readable).
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn repositories(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this project (name or id); null: every project the integration sees.")] project: Option<
            String,
        >,
        #[graphql(desc = "Only repositories whose name contains this text (case-insensitive); null: all.")]
        search: Option<String>,
        #[graphql(desc = "How many items to return: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (`pageInfo.endCursor` of the previous page); null: from the start.")]
        after: Option<String>,
    ) -> Result<Option<UpstreamConnection<Repository>>, ApiError> {
        let browse = context::browse(ctx)?;
        let p = context::principal(ctx)?;
        let w = window(first, after.as_deref())?;
        let scope = Scope::open(browse, p, (*self.0).clone(), Purpose::Read).await?;
        let page = repositories::page(browse, &scope, project.as_deref(), search.as_deref(), &w).await?;
        Ok(Some(upstream_connection(page, after.is_some(), |r| Repository::new(scope.clone(), r))))
    }

    /// UNVERIFIED, HEALTHY or FAILING, from the last verification.
    async fn status(&self) -> IntegrationStatus {
        rows::status(&self.0).into()
    }

    /// The last verification's outcome, each check with its code; null before the first.
    async fn last_verification(&self) -> Option<Verification> {
        let json = self.0.last_verification.as_deref()?;
        serde_json::from_str(json).ok().map(Verification)
    }

    /// When the integration was created.
    async fn created_at(&self) -> Timestamp {
        self.0.created_at.into()
    }

    /// When the integration was last changed.
    async fn updated_at(&self) -> Timestamp {
        self.0.updated_at.into()
    }

    /// The Azure DevOps page where a user creates a personal access token, with scopes
    /// Code (Read & write) (vso.code_write), Project and team (Read) (vso.project) and Work Items (Read & write) (vso.work_write).
    async fn personal_access_token_url(&self) -> String {
        format!("{}/_usersSettings/tokens", self.0.organization_url)
    }

    /// The caller's own Azure DevOps authorization (OAuth or personal PAT) for this integration;
    /// null when the caller has not connected.
    async fn viewer_authorization(&self, ctx: &Context<'_>) -> Result<Option<UserAuthorization>, ApiError> {
        let p = context::principal(ctx)?;
        let owner = Owner { tenant_id: &p.tenant_id, user_id: &p.user_id, integration_id: &self.0.id };
        Ok(loaders::viewer_authorization::of(ctx, owner).await?.as_ref().map(UserAuthorization::from))
    }

    /// ADMIN: the Service Hook subscriptions vcslink installed, with their live state in Azure DevOps
    /// (drift shows as DISABLED_BY_SYSTEM, MISSING, ...).
    async fn service_hooks(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::service_hook::ServiceHookSubscription>, ApiError> {
        super::integration_webhooks::service_hooks(ctx, &self.0).await
    }

    /// ADMIN: the Service Hook deliveries received for this integration, newest first;
    /// `eventType` keeps only those of one type.
    #[graphql(complexity = "crate::graphql::pagination::cost(first.or(last), child_complexity)")]
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (`pageInfo.endCursor` of the previous page); null: from the start.")]
        after: Option<String>,
        #[graphql(desc = "How many items to return from the end of the list (paging backward): 0 to 100; \
                          not together with `first`.")]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (`pageInfo.startCursor` of the page that follows); null: up to the end."
        )]
        before: Option<String>,
        #[graphql(desc = "Only deliveries of this event type; null: every type.")] event_type: Option<
            super::delivery::WebhookEventType,
        >,
    ) -> Result<RowConnection<super::delivery::WebhookDelivery>, ApiError> {
        super::integration_webhooks::deliveries(ctx, &self.0, first, after, last, before, event_type).await
    }

    /// ADMIN: where matching deliveries are forwarded, oldest first.
    async fn automations(&self, ctx: &Context<'_>) -> Result<Vec<super::automation::Automation>, ApiError> {
        let p = context::admin(ctx)?;
        let key = AutomationsOf { tenant_id: p.tenant_id.clone(), integration_id: self.0.id.clone() };
        Ok(loaders::automations::of(ctx, key).await?.into_iter().map(super::automation::Automation).collect())
    }
}
