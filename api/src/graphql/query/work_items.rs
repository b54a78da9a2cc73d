//! `workItemComments`: a work item's comments, oldest first, paged by Azure DevOps' continuation token.

use async_graphql::{Context, ID, Object};

use crate::azure::work_items;
use crate::browse::credential::Purpose;
use crate::browse::errors::to_api_error;
use crate::browse::pages::from_token_page;
use crate::browse::paging::window;
use crate::browse::scope::Scope;
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::mutation::authorization::integration_of;
use crate::graphql::mutation::work_items::comment_of;
use crate::graphql::types::browse::comment::Comment;
use crate::graphql::types::browse::connection::{UpstreamConnection, build};

#[derive(Default)]
pub struct WorkItemQuery;

#[Object]
impl WorkItemQuery {
    /// The comments of work item `workItemId` in `project`, oldest first. `NOT_FOUND` when the
    /// work item does not exist or the credential cannot read it.
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
        let state = context::state(ctx)?;
        let w = window(first, after)?;
        let m = integration_of(state, p, &integration_id).await?;
        let scope = Scope::open(state, p, m, Purpose::Read).await?;
        if !scope.allows(&project) {
            return Err(ApiError::not_found("work item"));
        }
        let top = (w.after.skip + w.first).max(1) as usize;
        let list = |v| {
            work_items::list_comments(
                &state.azure,
                (&scope.org_url, v),
                project.trim(),
                work_item_id,
                (top, w.after.token.as_deref()),
                &scope.chosen.credential,
            )
        };
        let list = state.upstream.negotiated(&scope.integration, list).await.map_err(|e| match e {
            crate::azure::AzureError::NotFound { .. } => ApiError::not_found("work item"),
            other => to_api_error(&other),
        })?;
        let comments: Vec<Comment> =
            list.comments.into_iter().filter(|c| !c.is_deleted.unwrap_or(false)).map(comment_of).collect();
        let mut page = from_token_page(&w, comments, list.continuation_token);
        page.total = list.total_count;
        Ok(build(page, w.had_after, |c| c))
    }
}
