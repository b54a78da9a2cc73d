//! The caller's own Azure DevOps authorization: `startAzureDevOpsAuthorization`,
//! `completeAzureDevOpsAuthorization`, `setPersonalAccessToken`, `disconnectAzureDevOps`. Any role
//! may connect itself, and only itself.

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use entity::integration;
use sea_orm::DatabaseConnection;
use secrecy::SecretString;

use crate::auth::Principal;
use crate::domain::global_id::{Kind, decode};
use crate::domain::secrets::PersonalAccessToken;
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::user_authorization::UserAuthorization;
use crate::store;
use crate::user_authorizations::{complete, connect, start};

/// Starts connecting the caller's Azure DevOps account through the integration's OAuth app.
#[derive(InputObject)]
pub struct StartAzureDevOpsAuthorizationInput {
    /// The integration (it must have an Entra ID OAuth app).
    pub integration_id: ID,
    /// Where the browser goes after a successful authorization; must be on the public URL's
    /// origin or one of `VCSLINK_OAUTH_RETURN_ORIGINS`; it receives the one-time handle in the
    /// query parameter `vcslink_authorization`. Without it a small page shows the handle.
    pub return_url: Option<String>,
    /// The account Microsoft Entra ID should preselect (`login_hint`), e.g. the user's e-mail.
    pub login_hint: Option<String>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// Completes a sign-in as the principal who started it.
#[derive(InputObject)]
pub struct CompleteAzureDevOpsAuthorizationInput {
    /// The one-time handle the callback gave (`vcslink_authorization` on `returnUrl`, or shown on
    /// its page).
    #[graphql(secret)]
    pub handle: String,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// The authorization the completed sign-in became.
#[derive(SimpleObject)]
pub struct CompleteAzureDevOpsAuthorizationPayload {
    /// The caller's authorization (never a token).
    pub authorization: UserAuthorization,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// Where to send the user's browser.
#[derive(SimpleObject)]
pub struct StartAzureDevOpsAuthorizationPayload {
    /// The Microsoft Entra ID sign-in URL (code flow, PKCE, single-use state).
    pub authorization_url: String,
    /// When the link stops working (10 minutes).
    pub expires_at: Timestamp,
    /// Problems worth showing, e.g. the app's scopes lack `offline_access` (no refresh token).
    pub warnings: Vec<String>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// Connects the caller with their own personal access token.
#[derive(InputObject)]
pub struct SetPersonalAccessTokenInput {
    /// The integration (global ID).
    pub integration_id: ID,
    /// The caller's personal access token; checked against Azure DevOps, then stored sealed.
    #[graphql(secret)]
    pub token: String,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// The stored authorization.
#[derive(SimpleObject)]
pub struct SetPersonalAccessTokenPayload {
    /// The caller's authorization (never the token).
    pub authorization: UserAuthorization,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// Forgets the caller's own Azure DevOps tokens for an integration.
#[derive(InputObject)]
pub struct DisconnectAzureDevOpsInput {
    /// The integration (global ID).
    pub integration_id: ID,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// Whether there was anything to forget.
#[derive(SimpleObject)]
pub struct DisconnectAzureDevOpsPayload {
    /// True when an authorization was deleted; false when the caller had none.
    pub disconnected: bool,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// The tenant's integration named by a global ID, or `NOT_FOUND`.
pub async fn integration_of(db: &DatabaseConnection, p: &Principal, id: &ID) -> Result<integration::Model, ApiError> {
    let raw = decode(Kind::AzureDevOpsIntegration, id, "integration", "integrationId")?;
    store::integrations::get(db, &p.tenant_id, &raw).await?.ok_or(ApiError::not_found("integration"))
}

#[derive(Default)]
pub struct AuthorizationMutation;

#[Object]
impl AuthorizationMutation {
    /// Starts the OAuth authorization of the caller's Azure DevOps account: open
    /// `authorizationUrl` in a browser. The callback stores nothing for anyone: it hands back a
    /// one-time handle that this caller, and only this caller, completes with
    /// `completeAzureDevOpsAuthorization`.
    async fn start_azure_dev_ops_authorization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration and where the browser returns.")] input: StartAzureDevOpsAuthorizationInput,
    ) -> Result<StartAzureDevOpsAuthorizationPayload, ApiError> {
        let p = context::principal(ctx)?;
        let accounts = context::accounts(ctx)?;
        let m = integration_of(&accounts.db, p, &input.integration_id).await?;
        let request =
            start::Request { return_url: input.return_url.as_deref(), login_hint: input.login_hint.as_deref() };
        let started = connect::start_oauth(accounts, p, &context::actor(p), &m, request).await?;
        Ok(StartAzureDevOpsAuthorizationPayload {
            warnings: connect::warnings(&started),
            authorization_url: started.authorization_url,
            expires_at: started.expires_at.into(),
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// Connects the caller with the sign-in parked under `handle`, which must be the caller's own
    /// (same tenant and user as the start): anyone else's, an unknown, used or expired handle is
    /// `NOT_FOUND`. Replaces any previous authorization of the caller for that integration.
    async fn complete_azure_dev_ops_authorization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The one-time handle from the callback.")] input: CompleteAzureDevOpsAuthorizationInput,
    ) -> Result<CompleteAzureDevOpsAuthorizationPayload, ApiError> {
        let p = context::principal(ctx)?;
        let accounts = context::accounts(ctx)?;
        let row = complete::complete(accounts, p, &context::actor(p), &input.handle).await?;
        Ok(CompleteAzureDevOpsAuthorizationPayload {
            authorization: UserAuthorization::from(&row),
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// Stores the caller's own personal access token after Azure DevOps confirmed who it
    /// belongs to. Replaces any previous authorization of the caller for this integration.
    async fn set_personal_access_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration and the caller's personal access token.")] input: SetPersonalAccessTokenInput,
    ) -> Result<SetPersonalAccessTokenPayload, ApiError> {
        let p = context::principal(ctx)?;
        let accounts = context::accounts(ctx)?;
        let token = PersonalAccessToken::parse_field("token", &SecretString::from(input.token))?;
        let m = integration_of(&accounts.db, p, &input.integration_id).await?;
        let row = connect::set_personal_access_token(accounts, p, &context::actor(p), &m, &token).await?;
        Ok(SetPersonalAccessTokenPayload {
            authorization: UserAuthorization::from(&row),
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// Deletes the caller's own tokens (OAuth or personal PAT) for the integration.
    async fn disconnect_azure_dev_ops(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration to disconnect from.")] input: DisconnectAzureDevOpsInput,
    ) -> Result<DisconnectAzureDevOpsPayload, ApiError> {
        let p = context::principal(ctx)?;
        let accounts = context::accounts(ctx)?;
        let m = integration_of(&accounts.db, p, &input.integration_id).await?;
        let disconnected = connect::disconnect(accounts, p, &context::actor(p), &m).await?;
        Ok(DisconnectAzureDevOpsPayload { disconnected, client_mutation_id: input.client_mutation_id })
    }
}
