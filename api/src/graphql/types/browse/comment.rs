//! `Comment`: one comment of a pull-request thread, people's and system-generated apart.

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};

use crate::azure::wire::git::{CommentThread, ThreadComment};

/// A comment. Pull-request threads are flattened in order: thread by thread, comment by comment.
#[derive(SimpleObject, Clone)]
pub struct Comment {
    /// The comment id within its thread.
    pub id: i64,
    /// The pull-request thread (null for work-item comments).
    pub thread_id: Option<i64>,
    /// The comment this one replies to, when it is a reply.
    pub parent_comment_id: Option<i64>,
    /// The comment's text, as Azure DevOps returns it; empty when it has none.
    pub content: String,
    /// The author's sign-in name (or display name).
    pub author: String,
    /// When it was published; null when Azure DevOps does not say (or says something that is not
    /// a date).
    pub published_at: Option<Timestamp>,
    /// True for comments Azure DevOps generated (votes, pushes, merge attempts), not people.
    pub is_system: bool,
}

impl Comment {
    pub fn from_thread(thread: &CommentThread, c: &ThreadComment) -> Comment {
        let system_author = c.author.as_ref().and_then(|a| a.is_container).unwrap_or(false);
        Comment {
            id: c.id,
            thread_id: Some(thread.id),
            parent_comment_id: c.parent_comment_id.filter(|p| *p != 0),
            content: c.content.clone().unwrap_or_default(),
            author: c.author.as_ref().map(|a| a.name()).unwrap_or_default(),
            published_at: c.published_date.as_deref().and_then(published).map(Into::into),
            is_system: c.comment_type.as_deref() == Some("system") || system_author,
        }
    }
}

/// Azure DevOps' `publishedDate` (RFC 3339, e.g. `2025-03-04T12:00:41.53Z`).
pub fn published(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw).ok().map(|t| t.with_timezone(&Utc))
}

/// Every live comment of the threads, in order.
pub fn flatten(threads: &[CommentThread]) -> Vec<Comment> {
    threads
        .iter()
        .filter(|t| !t.is_deleted.unwrap_or(false))
        .flat_map(|t| {
            t.comments.iter().filter(|c| !c.is_deleted.unwrap_or(false)).map(move |c| Comment::from_thread(t, c))
        })
        .collect()
}
