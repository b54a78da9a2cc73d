//! `createApiToken`, `revokeApiToken`.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use crate::auth::api_token;
use crate::domain::global_id::{Kind, decode};
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::api_token::ApiToken;
use crate::graphql::types::enums::Role;
use crate::store;
use sea_orm::TransactionTrait;

/// A new API token for a user of the caller's tenant.
#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// The platform user the token acts for (created on first use).
    pub user: String,
    /// What the token may do: ADMIN or MEMBER.
    pub role: Role,
    /// A label for people, e.g. "ci-runner".
    pub name: Option<String>,
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
        let state = context::state(ctx)?;
        let user = input.user.trim();
        if user.is_empty() || user.chars().count() > 200 || user.chars().any(char::is_control) {
            return Err(ApiError::validation("user", "user must be 1 to 200 printable characters", None));
        }
        let name = input.name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
            return Err(ApiError::validation("name", "name must be at most 200 characters", None));
        }
        let value = api_token::new_token_value();
        let txn = state.db.begin().await?;
        let u = store::tenants::ensure_user(&txn, &p.tenant_id, user).await?;
        let row = api_token::issue(&txn, &p.tenant_id, &u.id, input.role.into(), name, &value)
            .await
            .map_err(ApiError::internal)?;
        let details = serde_json::json!({ "user": user, "role": row.role, "name": row.name });
        store::audit::record(&txn, &context::actor(p), "api_token.create", Some(&row.id), details).await?;
        txn.commit().await?;
        Ok(CreateApiTokenPayload {
            api_token: ApiToken { row, user: u.name },
            token: value,
            client_mutation_id: input.client_mutation_id,
        })
    }

    /// ADMIN: revokes an API token at once on this replica (within the token-cache TTL on others).
    async fn revoke_api_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token to revoke.")] input: RevokeApiTokenInput,
    ) -> Result<RevokeApiTokenPayload, ApiError> {
        let p = context::admin(ctx)?;
        let state = context::state(ctx)?;
        let raw = decode(Kind::ApiToken, &input.id, "API token")?;
        let txn = state.db.begin().await?;
        let row = store::tokens::by_id(&txn, &raw)
            .await?
            .filter(|t| t.tenant_id == p.tenant_id)
            .ok_or(ApiError::not_found("API token"))?;
        store::tokens::revoke(&txn, &row.id).await?;
        store::audit::record(&txn, &context::actor(p), "api_token.revoke", Some(&row.id), serde_json::json!({}))
            .await?;
        txn.commit().await?;
        state.tokens.forget(&row.id);
        Ok(RevokeApiTokenPayload { revoked_id: input.id, client_mutation_id: input.client_mutation_id })
    }
}
