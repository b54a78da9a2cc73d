//! `addWorkItemComment`: a comment on a work item, as the caller.

use entity::integration;

use crate::auth::Principal;
use crate::azure::work_items::{self, Added};
use crate::browse::Browse;
use crate::browse::scope::Scope;
use crate::error::ApiError;
use crate::error::{Call, from_azure};
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
/// A project outside the integration's accessible projects, or a work item that lives in another
/// project than `project`, is `NOT_FOUND`.
pub async fn add_comment(
    state: &Browse,
    p: &Principal,
    actor: &Actor,
    m: integration::Model,
    new: NewWorkItemComment<'_>,
    act_as: super::ActAs,
) -> Result<Added, ApiError> {
    let scope = Scope::open(state, p, m, act_as.purpose()).await?;
    let project = crate::browse::work_items::project_of(state, &scope, &new.project, new.work_item_id).await?;
    let add = |v| {
        work_items::add_comment(
            &state.azure,
            (&scope.org_url, v),
            &project,
            new.work_item_id,
            new.text,
            &scope.chosen.credential,
        )
    };
    let added = state
        .upstream
        .negotiated(&scope.integration, add)
        .await
        .map_err(|e| from_azure(&e, Call::Write { what: "work item" }))?;
    let txn = crate::store::begin_write(&state.db).await?;
    let details =
        serde_json::json!({ "project": project, "workItemId": new.work_item_id, "as": scope.chosen.identity });
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
