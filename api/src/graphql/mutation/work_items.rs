//! `addWorkItemComment`: a comment on a work item, as the caller.

use async_graphql::{Context, Object};
use sea_orm::TransactionTrait;

use super::authorization::integration_of;
use super::repository_inputs::{AddWorkItemCommentInput, AddWorkItemCommentPayload, CommentFormat};
use crate::azure::work_items::{self, SentAs, WorkItemComment};
use crate::browse::credential::Purpose;
use crate::browse::scope::Scope;
use crate::browse::write_errors::to_write_error;
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::browse::comment::Comment;
use crate::store;

/// A work item comment as a `Comment` (no thread).
pub fn comment_of(c: WorkItemComment) -> Comment {
    Comment {
        id: c.id,
        thread_id: None,
        parent_comment_id: None,
        content: c.text.unwrap_or_default(),
        author: c.created_by.as_ref().map(|a| a.name()).unwrap_or_default(),
        published_at: c.created_date,
        is_system: false,
    }
}

#[derive(Default)]
pub struct WorkItemMutation;

#[Object]
impl WorkItemMutation {
    /// Adds a comment to a work item as the caller: markdown where the organization supports it
    /// (api-version 7.1-preview.4 and later), else the text as HTML; `format` says which.
    async fn add_work_item_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The work item and the comment.")] input: AddWorkItemCommentInput,
    ) -> Result<AddWorkItemCommentPayload, ApiError> {
        let p = context::principal(ctx)?;
        let state = context::state(ctx)?;
        if input.text.trim().is_empty() {
            return Err(ApiError::validation("text", "text must not be empty", None));
        }
        let project = input.project.trim().to_owned();
        if project.is_empty() {
            return Err(ApiError::validation("project", "project must not be empty", None));
        }
        let m = integration_of(state, p, &input.integration_id).await?;
        let scope = Scope::open(state, p, m, Purpose::Write).await?;
        if !scope.allows(&project) {
            return Err(ApiError::not_found("work item"));
        }
        let add = |v| {
            work_items::add_comment(
                &state.azure,
                (&scope.org_url, v),
                &project,
                input.work_item_id,
                &input.text,
                &scope.chosen.credential,
            )
        };
        let added =
            state.upstream.negotiated(&scope.integration, add).await.map_err(|e| to_write_error(&e, "work item"))?;
        let txn = state.db.begin().await?;
        let details =
            serde_json::json!({ "project": project, "workItemId": input.work_item_id, "as": scope.chosen.identity });
        store::audit::record(&txn, &context::actor(p), "work_item.add_comment", Some(&scope.integration.id), details)
            .await?;
        txn.commit().await?;
        let format = match added.sent_as {
            SentAs::Markdown => CommentFormat::Markdown,
            SentAs::Html => CommentFormat::Html,
        };
        Ok(AddWorkItemCommentPayload {
            comment: comment_of(added.comment),
            format,
            client_mutation_id: input.client_mutation_id,
        })
    }
}
