//! `addWorkItemComment`: a comment on a work item, as the caller.

use async_graphql::{Context, Object};

use super::authorization::integration_of;
use super::repository_inputs::{AddWorkItemCommentInput, AddWorkItemCommentPayload, CommentFormat};
use crate::acting;
use crate::acting::work_items::NewWorkItemComment;
use crate::azure::work_items::{SentAs, WorkItemComment};
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::browse::comment::{Comment, published};

/// A work item comment as a `Comment` (no thread).
pub fn comment_of(c: WorkItemComment) -> Comment {
    Comment {
        id: c.id,
        thread_id: None,
        parent_comment_id: None,
        content: c.text.unwrap_or_default(),
        author: c.created_by.as_ref().map(|a| a.name()).unwrap_or_default(),
        published_at: c.created_date.as_deref().and_then(published).map(Into::into),
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
        let browse = context::browse(ctx)?;
        let new = NewWorkItemComment::parse(&input.project, input.work_item_id, &input.text)?;
        let m = integration_of(&browse.db, p, &input.integration_id).await?;
        let added = acting::work_items::add_comment(browse, p, &context::actor(p), m, new, input.act_as.into()).await?;
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
