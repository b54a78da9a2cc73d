//! `Viewer`: who the caller is.

use async_graphql::{ID, SimpleObject};

use super::enums::Role;

/// The caller, as its API token names it.
#[derive(SimpleObject)]
pub struct Viewer {
    /// Tenant name.
    pub tenant: String,
    /// The platform user the token acts for.
    pub user: String,
    /// What the token may do: ADMIN or MEMBER.
    pub role: Role,
    /// The token's name, when it has one.
    pub token_name: Option<String>,
    /// The token's global ID: what `AuditEvent.actorTokenId` names for acts done with it.
    pub token_id: ID,
}
