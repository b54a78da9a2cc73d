//! The caller's own Azure DevOps authorization: `startAzureDevOpsAuthorization`,
//! `setPersonalAccessToken`, `disconnectAzureDevOps`. Any role may connect itself.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::integration;
use sea_orm::TransactionTrait;
use secrecy::SecretString;

use crate::auth::Principal;
use crate::azure::whoami::whoami;
use crate::azure::{AzureError, Credential};
use crate::domain::global_id::{Kind, decode};
use crate::domain::secrets::PersonalAccessToken;
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::user_authorization::UserAuthorization;
use crate::state::AppState;
use crate::store;
use crate::store::user_authorizations::{self as auths, Owner, Secrets};
use crate::user_authorizations::start;

/// Starts connecting the caller's Azure DevOps account through the integration's OAuth app.
#[derive(InputObject)]
pub struct StartAzureDevOpsAuthorizationInput {
    /// The integration (it must have an Entra ID OAuth app).
    pub integration_id: ID,
    /// Where the browser goes after a successful authorization; must be on the public URL's
    /// origin or one of `VCSLINK_OAUTH_RETURN_ORIGINS`. Without it a small page says it worked.
    pub return_url: Option<String>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// Where to send the user's browser.
#[derive(SimpleObject)]
pub struct StartAzureDevOpsAuthorizationPayload {
    /// The Microsoft Entra ID sign-in URL (code flow, PKCE, single-use state).
    pub authorization_url: String,
    /// When the link stops working (10 minutes).
    pub expires_at: DateTime<Utc>,
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
pub async fn integration_of(state: &AppState, p: &Principal, id: &ID) -> Result<integration::Model, ApiError> {
    let raw = decode(Kind::AzureDevOpsIntegration, id, "integration")?;
    store::integrations::get(&state.db, &p.tenant_id, &raw).await?.ok_or(ApiError::not_found("integration"))
}

#[derive(Default)]
pub struct AuthorizationMutation;

#[Object]
impl AuthorizationMutation {
    /// Starts the OAuth authorization of the caller's Azure DevOps account: open
    /// `authorizationUrl` in a browser; the callback stores the tokens for this caller only.
    async fn start_azure_dev_ops_authorization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration and where the browser returns.")] input: StartAzureDevOpsAuthorizationInput,
    ) -> Result<StartAzureDevOpsAuthorizationPayload, ApiError> {
        let p = context::principal(ctx)?;
        let state = context::state(ctx)?;
        let m = integration_of(state, p, &input.integration_id).await?;
        let txn = state.db.begin().await?;
        let started = start::start(state, &txn, p, &m, input.return_url.as_deref()).await?;
        store::audit::record(&txn, &context::actor(p), "user_authorization.start", Some(&m.id), serde_json::json!({}))
            .await?;
        txn.commit().await?;
        let mut warnings = Vec::new();
        if started.missing_offline_access {
            warnings.push(
                "the OAuth app's scopes lack offline_access: no refresh token will be issued, so you will \
                 have to connect again when the access token expires (about an hour)"
                    .to_owned(),
            );
        }
        Ok(StartAzureDevOpsAuthorizationPayload {
            authorization_url: started.authorization_url,
            expires_at: started.expires_at,
            warnings,
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
        let state = context::state(ctx)?;
        let token = PersonalAccessToken::parse_field("token", &SecretString::from(input.token))?;
        let m = integration_of(state, p, &input.integration_id).await?;
        let org_url = url::Url::parse(&m.organization_url).map_err(ApiError::internal)?;
        let credential = Credential::from_secret(token.secret().clone());
        let who = whoami(&state.azure, &org_url, &credential).await.map_err(|e| rejected(&e, &m))?;
        let txn = state.db.begin().await?;
        let owner = Owner { tenant_id: &p.tenant_id, user_id: &p.user_id, integration_id: &m.id };
        let row = auths::put(&txn, &state.keyring, owner, Secrets::Pat(token.secret()), &[], &who).await?;
        let details = serde_json::json!({ "method": auths::METHOD_PAT, "authenticatedAs": who });
        store::audit::record(&txn, &context::actor(p), "user_authorization.connect", Some(&m.id), details).await?;
        txn.commit().await?;
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
        let state = context::state(ctx)?;
        let m = integration_of(state, p, &input.integration_id).await?;
        let txn = state.db.begin().await?;
        let owner = Owner { tenant_id: &p.tenant_id, user_id: &p.user_id, integration_id: &m.id };
        let disconnected = auths::delete(&txn, owner).await?;
        if disconnected {
            store::audit::record(
                &txn,
                &context::actor(p),
                "user_authorization.disconnect",
                Some(&m.id),
                serde_json::json!({}),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(DisconnectAzureDevOpsPayload { disconnected, client_mutation_id: input.client_mutation_id })
    }
}

/// Azure DevOps did not accept the token: a `VALIDATION` error on `token`, never echoing it.
fn rejected(e: &AzureError, m: &integration::Model) -> ApiError {
    match e {
        AzureError::Unauthorized { expired: true } => ApiError::validation(
            "token",
            "Azure DevOps says this personal access token has expired",
            Some("create a new token on the Personal Access Tokens page (personalAccessTokenUrl)"),
        ),
        AzureError::Unauthorized { .. } | AzureError::Forbidden { .. } | AzureError::InvalidCredential => {
            ApiError::validation(
                "token",
                format!("Azure DevOps does not accept this personal access token for {}", m.organization),
                Some(
                    "check that the token is for this organization and not revoked; a global \"All accessible \
                     organizations\" token no longer works since 2026-12-01: create one for this organization \
                     (personalAccessTokenUrl)",
                ),
            )
        }
        AzureError::RateLimited { retry_after } => {
            ApiError::RateLimited { retry_after_seconds: retry_after.map(|d| d.as_secs()).unwrap_or(60) }
        }
        other => ApiError::UpstreamUnavailable { message: format!("the token could not be checked: {other}") },
    }
}
