//! Which project a work item lives in, checked before any read or write of its comments.

use super::Browse;
use super::scope::Scope;
use crate::azure::work_items;
use crate::error::{ApiError, Call, from_azure};

/// The work item's own project when it is `project` and the integration may use it; otherwise
/// `NOT_FOUND`, the same answer as for a work item that does not exist. Work item ids are
/// organization-wide, and the project named in a work-item URL does not restrict which item
/// answers, so a caller limited to some projects could otherwise reach any item by its id.
pub async fn project_of(state: &Browse, scope: &Scope, project: &str, id: i64) -> Result<String, ApiError> {
    if !scope.allows(project) {
        return Err(ApiError::not_found("work item"));
    }
    let read = |v| work_items::team_project(&state.azure, (&scope.org_url, v), id, &scope.chosen.credential);
    let own = state
        .upstream
        .negotiated(&scope.integration, read)
        .await
        .map_err(|e| from_azure(&e, Call::Read { what: "work item" }))?;
    if own.eq_ignore_ascii_case(project.trim()) && scope.allows(&own) {
        Ok(own)
    } else {
        Err(ApiError::not_found("work item"))
    }
}
