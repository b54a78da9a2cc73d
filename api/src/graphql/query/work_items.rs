//! `workItemComments`: a work item's comments, oldest first, paged by Azure DevOps' continuation token.

use async_graphql::{Context, ID, Object};

use crate::azure::work_items;
use crate::browse::credential::Purpose;
use crate::browse::pages::from_token_page;
use crate::browse::scope::Scope;
use crate::error::{ApiError, Call, from_azure};
use crate::graphql::context;
use crate::graphql::mutation::authorization::integration_of;
use crate::graphql::mutation::work_items::comment_of;
use crate::graphql::pagination::{UpstreamConnection, upstream_connection, window};
use crate::graphql::types::browse::comment::Comment;

#[derive(Default)]
pub struct WorkItemQuery;

#[Object]
impl WorkItemQuery {
    /// The comments of work item `workItemId` in `project`, oldest first. `NOT_FOUND` when the
    /// work item does not exist, the credential cannot read it, or it lives in another project.
    #[graphql(complexity = "crate::graphql::pagination::cost(first, child_complexity)")]
    async fn work_item_comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration to read through (global ID).")] integration_id: ID,
        #[graphql(desc = "The project name.")] project: String,
        #[graphql(desc = "The work item id.")] work_item_id: i64,
        #[graphql(desc = "How many items to return: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "Start after this cursor (`pageInfo.endCursor` of the previous page); null: from the start.")]
        after: Option<String>,
    ) -> Result<UpstreamConnection<Comment>, ApiError> {
        let p = context::principal(ctx)?;
        let browse = context::browse(ctx)?;
        let w = window(first, after.as_deref())?;
        let m = integration_of(&browse.db, p, &integration_id).await?;
        let scope = Scope::open(browse, p, m, Purpose::Read).await?;
        let project = crate::browse::work_items::project_of(browse, &scope, &project, work_item_id).await?;
        let top = (w.after.skip + w.first).max(1) as usize;
        let list = |v| {
            work_items::list_comments(
                &browse.azure,
                (&scope.org_url, v),
                &project,
                work_item_id,
                (top, w.after.token.as_deref()),
                &scope.chosen.credential,
            )
        };
        let list = browse
            .upstream
            .negotiated(&scope.integration, list)
            .await
            .map_err(|e| from_azure(&e, Call::Read { what: "work item" }))?;
        let comments: Vec<Comment> =
            list.comments.into_iter().filter(|c| !c.is_deleted.unwrap_or(false)).map(comment_of).collect();
        let mut page = from_token_page(&w, comments, list.continuation_token);
        page.total = list.total_count;
        Ok(upstream_connection(page, after.is_some(), |c| c))
    }
}
