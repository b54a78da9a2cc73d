//! `auditEvents`: the tenant's audit log, newest first (ADMIN).

use async_graphql::{Context, Object};

use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::pagination::{self, RowConnection};
use crate::graphql::types::audit_event::AuditEvent;
use crate::store;

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// ADMIN: who created, updated, verified, rotated, unlinked, and created or revoked tokens; newest first.
    #[graphql(complexity = "crate::graphql::pagination::cost(first.or(last), child_complexity)")]
    async fn audit_events(
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
    ) -> Result<RowConnection<AuditEvent>, ApiError> {
        let p = context::admin(ctx)?;
        let db = context::db(ctx)?;
        let req = pagination::page_request(first, after.as_deref(), last, before.as_deref())?;
        let page = store::audit::list(db, &p.tenant_id, &req).await?;
        let total = store::audit::count(db, &p.tenant_id).await? as i64;
        Ok(pagination::connection(page, &req, total, |m| m.id.as_str(), AuditEvent::from))
    }
}
