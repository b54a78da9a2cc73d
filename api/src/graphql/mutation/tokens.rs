//! `createApiToken`, `revokeApiToken`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use secrecy::ExposeSecret;

use crate::auth::token_admin::{self, TokenRequest};
use crate::domain::global_id::{Kind, decode};
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::api_token::ApiToken;
use crate::graphql::types::enums::Role;

/// A new API token for a user of the caller's tenant.
#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// The platform user the token acts for (created on first use).
    pub user: String,
    /// What the token may do: ADMIN or MEMBER.
    pub role: Role,
    /// A label for people, e.g. "ci-runner".
    pub name: Option<String>,
    /// How long the token is accepted: a whole number and a unit, `30d`, `12h`, `45m` or `90s`;
    /// omitted, it never expires.
    pub expires_in: Option<String>,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// The created token: its metadata, and its value once.
#[derive(SimpleObject)]
pub struct CreateApiTokenPayload {
    /// The token's metadata.
    pub api_token: ApiToken,
    /// The token value, shown exactly once: store it now.
    pub token: String,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// Which API token to revoke.
#[derive(InputObject)]
pub struct RevokeApiTokenInput {
    /// The token's global ID.
    pub id: ID,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

/// The revoked token's ID.
#[derive(SimpleObject)]
pub struct RevokeApiTokenPayload {
    /// The global ID of the token revoked.
    pub revoked_id: ID,
    /// The client's correlation id, echoed from input to payload.
    pub client_mutation_id: Option<String>,
}

#[derive(Default)]
pub struct TokenMutation;

#[Object]
impl TokenMutation {
    /// ADMIN: creates an API token; its value is in the payload, once.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user, role and name of the new token.")] input: CreateApiTokenInput,
    ) -> Result<CreateApiTokenPayload, ApiError> {
        let p = context::admin(ctx)?;
        let db = context::db(ctx)?;
        let request = TokenRequest::parse(&input.user, input.role.into(), input.name, input.expires_in.as_deref())?;
        let issued = token_admin::issue(db, &context::actor(p), request).await?;
        Ok(CreateApiTokenPayload {
            api_token: ApiToken { row: issued.row, user: issued.user },
            token: issued.value.expose_secret().to_owned(),
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// ADMIN: revokes an API token at once on this replica (on others at their next revocation
    /// sweep, every few seconds).
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token to revoke.")] input: RevokeApiTokenInput,
    ) -> Result<RevokeApiTokenPayload, ApiError> {
        let p = context::admin(ctx)?;
        let tokens = context::tokens(ctx)?;
        let raw = decode(Kind::ApiToken, &input.id, "API token", "id")?;
        token_admin::revoke(context::db(ctx)?, &tokens.service, &context::actor(p), &raw).await?;
        Ok(RevokeApiTokenPayload { revoked_id: input.id, client_mutation_id: input.client_mutation_id })
    }
}
