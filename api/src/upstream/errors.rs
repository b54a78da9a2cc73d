//! What a failed Azure DevOps read means to a GraphQL caller.

use crate::azure::AzureError;
use crate::azure::verification::VerificationCode;
use crate::error::ApiError;

/// The GraphQL error for a failed read (404 is handled by callers: it means `null`).
pub fn to_api_error(e: &AzureError) -> ApiError {
    match e {
        AzureError::Unauthorized { expired } => ApiError::NotAuthorizedUpstream {
            message: if *expired {
                "the Azure DevOps credential has expired".into()
            } else {
                "Azure DevOps rejected the credential".into()
            },
            hint: Some(
                "replace the personal access token (updateAzureDevOpsIntegration) or reconnect your Azure DevOps account"
                    .into(),
            ),
        },
        AzureError::Forbidden { message } => ApiError::NotAuthorizedUpstream {
            message: format!("Azure DevOps refused the request: {message}"),
            hint: Some("the credential needs the Code (Read) and Project and team (Read) scopes".into()),
        },
        AzureError::RateLimited { retry_after } => {
            ApiError::RateLimited { retry_after_seconds: retry_after.map_or(30, |d| d.as_secs().max(1)) }
        }
        AzureError::NotFound { .. } => ApiError::not_found("Azure DevOps resource"),
        AzureError::Blocked { reason } => {
            ApiError::UpstreamUnavailable { message: format!("the upstream address was refused: {reason}") }
        }
        other => ApiError::UpstreamUnavailable { message: format!("Azure DevOps is unavailable: {other}") },
    }
}

/// The verification code a rejected credential earns the integration (it is marked FAILING).
pub fn failing_code(e: &AzureError) -> Option<VerificationCode> {
    match e {
        AzureError::Unauthorized { expired: true } => Some(VerificationCode::PatExpired),
        AzureError::Unauthorized { expired: false } => Some(VerificationCode::PatInvalid),
        _ => None,
    }
}
