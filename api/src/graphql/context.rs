//! Reading the request's state and caller out of the GraphQL context, with codes instead of panics.

use std::sync::Arc;

use async_graphql::Context;

use crate::auth::Principal;
use crate::capabilities::Capabilities;
use crate::error::ApiError;
use crate::store::audit::Actor;

/// The caller of this request, when its token verified (put there by the HTTP handler).
#[derive(Clone)]
pub struct Caller(pub Option<Arc<Principal>>);

fn capabilities<'a>(ctx: &Context<'a>) -> Result<&'a Capabilities, ApiError> {
    ctx.data::<Capabilities>().map_err(|_| ApiError::internal("capabilities missing from the schema"))
}

/// Users' own Azure DevOps authorizations.
pub fn accounts<'a>(ctx: &Context<'a>) -> Result<&'a crate::user_authorizations::Accounts, ApiError> {
    capabilities(ctx).map(|c| &c.accounts)
}

/// Reading (and acting in) Azure DevOps as the caller.
pub fn browse<'a>(ctx: &Context<'a>) -> Result<&'a crate::browse::Browse, ApiError> {
    capabilities(ctx).map(|c| &c.browse)
}

/// The integration lifecycle.
pub fn integrations<'a>(ctx: &Context<'a>) -> Result<&'a crate::integrations::Integrations, ApiError> {
    capabilities(ctx).map(|c| &c.integrations)
}

/// Service Hook subscriptions at Azure DevOps.
pub fn service_hooks<'a>(ctx: &Context<'a>) -> Result<&'a crate::service_hooks::ServiceHooks, ApiError> {
    capabilities(ctx).map(|c| &c.service_hooks)
}

/// Inbound deliveries (replay).
pub fn inbox<'a>(ctx: &Context<'a>) -> Result<&'a crate::webhooks::Inbox, ApiError> {
    capabilities(ctx).map(|c| &c.inbox)
}

/// Automations and their outbox.
pub fn automations<'a>(ctx: &Context<'a>) -> Result<&'a crate::automations::Automations, ApiError> {
    capabilities(ctx).map(|c| &c.automations)
}

/// API tokens.
pub fn tokens<'a>(ctx: &Context<'a>) -> Result<&'a crate::auth::Tokens, ApiError> {
    capabilities(ctx).map(|c| &c.tokens)
}

/// The database, for resolvers that read through `store/`.
pub fn db<'a>(ctx: &Context<'a>) -> Result<&'a sea_orm::DatabaseConnection, ApiError> {
    capabilities(ctx).map(|c| &c.db)
}

/// The verified caller, or `UNAUTHENTICATED`.
pub fn principal<'a>(ctx: &Context<'a>) -> Result<&'a Principal, ApiError> {
    match ctx.data::<Caller>() {
        Ok(Caller(Some(p))) => Ok(p),
        _ => Err(ApiError::Unauthenticated),
    }
}

/// The verified caller, who must be an ADMIN (`FORBIDDEN` otherwise).
pub fn admin<'a>(ctx: &Context<'a>) -> Result<&'a Principal, ApiError> {
    let p = principal(ctx)?;
    if p.is_admin() { Ok(p) } else { Err(ApiError::admin_only()) }
}

pub fn actor(p: &Principal) -> Actor {
    Actor { tenant_id: p.tenant_id.clone(), user: p.user.clone(), token_id: Some(p.token_id.clone()) }
}
