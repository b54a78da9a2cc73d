//! Azure DevOps and Entra ID client: SSRF-guarded HTTP, error classification, wire DTOs, verification.
//!
//! Knows no database and no GraphQL: callers hand it decrypted credentials and get back typed
//! answers, [`AzureError`]s, or a [`Verification`].

pub mod app_token;
pub mod client;
pub mod client_assertion;
pub mod config;
pub mod credential;
pub mod entra;
pub mod entra_errors;
pub mod error;
pub mod git_write;
pub mod guard;
pub mod hooks;
pub mod id_token;
pub mod identities;
pub mod managed_identity;
pub mod needed_scope;
pub mod oauth_http;
pub mod pacing;
pub mod profile;
pub mod response;
pub mod tenant;
pub mod verification;
pub mod verify;
pub mod versions;
pub mod whoami;
pub mod wire;
pub mod work_items;
pub mod workload_identity;

#[cfg(test)]
mod tests;

pub use client::{AzureClient, Call, ClientBuildError, Credential, Page, RawResponse, api_url};
pub use config::AzureConfig;
pub use error::AzureError;
pub use guard::{GuardError, check_url, is_forbidden_ip};
pub use oauth_http::OAuthHttp;
pub use verification::{CheckName, CodeEntry, Verification, VerificationCheck, VerificationCode};
pub use verify::{API_VERSION, AZURE_DEVOPS_DEFAULT_SCOPE, OAuthAppCredentials, VerifyTarget, verify};
