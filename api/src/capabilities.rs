//! The set of capability handles `app.rs` builds and `graphql/` reads; no capability sees it.
//!
//! Plain routes take one handle each through [`FromRef`] (`State<Inbox>`, `State<Accounts>`).

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;

use crate::auth::Tokens;
use crate::automations::Automations;
use crate::browse::Browse;
use crate::integrations::Integrations;
use crate::oidc::routes::Issuer;
use crate::service_hooks::ServiceHooks;
use crate::user_authorizations::Accounts;
use crate::webhooks::Inbox;

/// Every capability's handle, each cheap to clone.
#[derive(Clone, FromRef)]
pub struct Capabilities {
    /// For resolvers that read rows through `store/` (and `/readyz`).
    pub db: DatabaseConnection,
    pub tokens: Tokens,
    pub accounts: Accounts,
    pub browse: Browse,
    pub service_hooks: ServiceHooks,
    pub integrations: Integrations,
    pub inbox: Inbox,
    pub automations: Automations,
    /// This server as the OIDC issuer of federated app identities (`/.well-known/*`).
    pub issuer: Issuer,
    /// Whether the schema answers introspection (`VCSLINK_INTROSPECTION`).
    pub introspection: bool,
    /// Azure DevOps calls one GraphQL request may make (`VCSLINK_UPSTREAM_CALL_BUDGET`).
    pub upstream_call_budget: u64,
}
