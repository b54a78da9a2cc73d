//! `addWorkItemComment`: a comment on a work item, as the caller.

use entity::integration;
use sea_orm::TransactionTrait;

use crate::auth::Principal;
use crate::azure::work_items::{self, Added};
use crate::browse::credential::Purpose;
use crate::browse::scope::Scope;
use crate::browse::write_errors::to_write_error;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;
use crate::store::audit::Actor;

/// A comment to add to work item `work_item_id` of `project`.
pub struct NewWorkItemComment<'a> {
    pub project: String,
    pub work_item_id: i64,
    pub text: &'a str,
}

impl<'a> NewWorkItemComment<'a> {
    /// `VALIDATION` on `text` or `project` when blank.
    pub fn parse(project: &str, work_item_id: i64, text: &'a str) -> Result<Self, ApiError> {
        if text.trim().is_empty() {
            return Err(ApiError::validation("text", "text must not be empty", None));
        }
        let project = project.trim().to_owned();
        if project.is_empty() {
            return Err(ApiError::validation("project", "project must not be empty", None));
        }
        Ok(NewWorkItemComment { project, work_item_id, text })
    }
}

/// Adds the comment: markdown where the organization supports it, else the text as HTML.
/// A project outside the integration's accessible projects is `NOT_FOUND`.
pub async fn add_comment(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    m: integration::Model,
    new: NewWorkItemComment<'_>,
) -> Result<Added, ApiError> {
    let scope = Scope::open(state, p, m, Purpose::Write).await?;
    if !scope.allows(&new.project) {
        return Err(ApiError::not_found("work item"));
    }
    let add = |v| {
        work_items::add_comment(
            &state.azure,
            (&scope.org_url, v),
            &new.project,
            new.work_item_id,
            new.text,
            &scope.chosen.credential,
        )
    };
    let added =
        state.upstream.negotiated(&scope.integration, add).await.map_err(|e| to_write_error(&e, "work item"))?;
    let txn = state.db.begin().await?;
    let details =
        serde_json::json!({ "project": new.project, "workItemId": new.work_item_id, "as": scope.chosen.identity });
    store::audit::record(&txn, actor, "work_item.add_comment", Some(&scope.integration.id), details).await?;
    txn.commit().await?;
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_project_must_not_be_blank() {
        assert!(NewWorkItemComment::parse("Platform", 1, " ").is_err());
        assert!(NewWorkItemComment::parse(" ", 1, "hello").is_err());
        let ok = NewWorkItemComment::parse(" Platform ", 1, "hello").expect("valid");
        assert_eq!(ok.project, "Platform");
    }
}
