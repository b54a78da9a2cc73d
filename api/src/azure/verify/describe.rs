//! How a failed Azure DevOps call reads in a verification: its code and one sentence.

use url::Url;

use super::API_VERSION;
use crate::azure::error::AzureError;
use crate::azure::verification::VerificationCode;

/// The code and a sentence for a failed PAT-authenticated call.
pub(crate) fn describe(error: &AzureError, org_url: &Url) -> (VerificationCode, String) {
    use VerificationCode as C;
    match error {
        AzureError::Unauthorized { expired: true } => (C::PatExpired, "The personal access token has expired.".into()),
        AzureError::Unauthorized { expired: false } => {
            (C::PatInvalid, "The personal access token was rejected by Azure DevOps.".into())
        }
        AzureError::IisBasicAuth => (
            C::PatInvalid,
            "IIS refused the personal access token before Azure DevOps Server saw it: Basic authentication is on."
                .into(),
        ),
        AzureError::InvalidCredential => {
            (C::PatInvalid, "The personal access token contains characters that cannot be sent.".into())
        }
        // A 403 is a permission (ACL) the identity lacks; the scopes are not in question.
        AzureError::Forbidden { message } => {
            (C::PatInsufficientScope, format!("Azure DevOps denied the identity a permission: {message}"))
        }
        AzureError::NotFound { .. } => {
            (C::OrganizationNotFound, format!("No Azure DevOps organization answers at {org_url}."))
        }
        // Microsoft's own hosts always exist: failing to resolve them means we are offline.
        AzureError::UnknownHost { host } if is_microsoft_host(host) => (
            C::UpstreamUnreachable,
            format!("The host {host} does not resolve from this server: check its DNS and outbound network."),
        ),
        AzureError::UnknownHost { host } => (C::OrganizationNotFound, format!("The host {host} does not resolve.")),
        AzureError::InvalidUrl { reason } => {
            (C::OrganizationNotFound, format!("The organization URL is invalid: {reason}."))
        }
        AzureError::InvalidResponse { reason } => {
            (C::OrganizationNotFound, format!("The server at {org_url} does not answer like Azure DevOps ({reason})."))
        }
        AzureError::RateLimited { retry_after: Some(after) } => (
            C::UpstreamRateLimited,
            format!("Azure DevOps is rate limiting this identity; retry after {} seconds.", after.as_secs()),
        ),
        AzureError::RateLimited { retry_after: None } => {
            (C::UpstreamRateLimited, "Azure DevOps is rate limiting this identity; retry later.".into())
        }
        AzureError::Unreachable { reason } => {
            (C::UpstreamUnreachable, format!("Azure DevOps could not be reached: {reason}."))
        }
        AzureError::Blocked { reason } => (C::UpstreamUnreachable, blocked_message(reason)),
        AzureError::VersionOutOfRange { latest } => (
            C::UpstreamUnreachable,
            format!(
                "The server does not support REST API version {API_VERSION} (latest: {}).",
                latest.as_deref().unwrap_or("unknown")
            ),
        ),
        AzureError::Upstream { status, message } => {
            (C::UpstreamUnreachable, format!("Azure DevOps answered HTTP {status}: {message}."))
        }
    }
}

/// dev.azure.com, *.visualstudio.com and Entra's hosts, which resolve wherever there is a network.
pub(crate) fn is_microsoft_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    ["dev.azure.com", "visualstudio.com", "microsoftonline.com"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// The sentence for an upstream the SSRF guard refused.
pub(crate) fn blocked_message(reason: &str) -> String {
    format!(
        "The address was refused ({reason}): loopback, private and http:// upstreams are allowed only \
         when the operator sets VCSLINK_ALLOW_PRIVATE_UPSTREAMS=true."
    )
}
