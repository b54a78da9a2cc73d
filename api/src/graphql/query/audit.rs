//! `auditEvents`: the tenant's audit log, newest first (ADMIN).

use async_graphql::connection::Connection;
use async_graphql::{Context, Object};

use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::audit_event::AuditEvent;
use crate::graphql::types::connection::{self, Counted};
use crate::store;

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// ADMIN: who created, updated, verified, rotated, unlinked, and created or revoked tokens; newest first.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (`pageInfo.endCursor` of the previous page); null: from the start.")]
        after: Option<String>,
    ) -> Result<Connection<String, AuditEvent, Counted>, ApiError> {
        let p = context::admin(ctx)?;
        let state = context::state(ctx)?;
        let req = connection::page_request(first, after)?;
        let page = store::audit::list(&state.db, &p.tenant_id, &req).await?;
        let total = store::audit::count(&state.db, &p.tenant_id).await? as i64;
        Ok(connection::build(page, req.after.is_some(), total, |m| m.id.clone(), AuditEvent::from))
    }
}
