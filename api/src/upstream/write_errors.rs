//! What a failed Azure DevOps write (as the caller) means to a GraphQL caller.

use super::errors::to_api_error;
use crate::azure::AzureError;
use crate::error::ApiError;

/// The GraphQL error for a failed write; `what` names the thing a 404 did not find.
pub fn to_write_error(e: &AzureError, what: &'static str) -> ApiError {
    match e {
        AzureError::Unauthorized { .. } => ApiError::NotAuthorizedUpstream {
            message: "Azure DevOps rejected your credential".into(),
            hint: Some(
                "connect again (startAzureDevOpsAuthorization) or set a new personal access token (setPersonalAccessToken)"
                    .into(),
            ),
        },
        AzureError::Forbidden { message } => {
            ApiError::Forbidden { message: format!("Azure DevOps refused the change: {message}") }
        }
        AzureError::NotFound { .. } => ApiError::not_found(what),
        AzureError::Upstream { status: 409, message } => ApiError::Conflict { message: message.clone(), hint: None },
        AzureError::Upstream { status: 400, message } => ApiError::validation("input", message.clone(), None),
        other => to_api_error(other),
    }
}
