//! Reading the request's state and caller out of the GraphQL context, with codes instead of panics.

use std::sync::Arc;

use async_graphql::Context;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::audit::Actor;

/// The caller of this request, when its token verified (put there by the HTTP handler).
#[derive(Clone)]
pub struct Caller(pub Option<Arc<Principal>>);

pub fn state<'a>(ctx: &Context<'a>) -> Result<&'a AppState, ApiError> {
    ctx.data::<AppState>().map_err(|_| ApiError::internal("application state missing from the schema"))
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
