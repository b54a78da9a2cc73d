//! What a failed Azure DevOps write (as the caller) means to a GraphQL caller; the rows a write
//! reads differently from a read, the rest from the one table in `errors.rs`.

use super::errors::to_api_error;
use crate::azure::AzureError;
use crate::error::ApiError;

/// The GraphQL error for a failed write; `what` names the thing a 404 did not find.
pub fn to_write_error(e: &AzureError, what: &'static str) -> ApiError {
    match e {
        // A write's 401 is a refused credential or, for a credential that still reads, a missing
        // write scope (docs/azure-devops-wire.md §2.3); both are fixed by a new authorization.
        AzureError::Unauthorized { .. } => ApiError::NotAuthorizedUpstream {
            message: format!(
                "Azure DevOps refused your credential for this change: it is no longer valid, or it lacks the {} scope",
                if what == "work item" { "Work Items (Read & write)" } else { "Code (Read & write)" }
            ),
            hint: Some(
                "connect again (startAzureDevOpsAuthorization) or set a personal access token with that scope \
                 (setPersonalAccessToken)"
                    .into(),
            ),
        },
        AzureError::NotFound { .. } => ApiError::not_found(what),
        AzureError::Upstream { status: 409, message } => ApiError::Conflict { message: message.clone(), hint: None },
        AzureError::Upstream { status: 400, message } => ApiError::validation("input", message.clone(), None),
        other => to_api_error(other),
    }
}
