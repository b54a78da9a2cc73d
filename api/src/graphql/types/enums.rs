//! GraphQL enums of the public contract.

use async_graphql::Enum;

use crate::auth::Role as AuthRole;
use crate::domain::flavor::Flavor;
use crate::domain::integration::Status;
use crate::domain::user_authorization_methods::UserAuthorizationMethod as Method;

/// Azure DevOps Services (dev.azure.com) or a self-hosted Azure DevOps Server.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "Flavor")]
pub enum AzureDevOpsFlavor {
    /// Azure DevOps Services: https://dev.azure.com/{organization}.
    Services,
    /// Azure DevOps Server 2022+: https://host/[tfs/]{collection}.
    Server,
}

/// Whether the integration's credentials last verified.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "Status")]
pub enum IntegrationStatus {
    /// Never verified (created or updated with `verify: false`).
    Unverified,
    /// The last verification passed.
    Healthy,
    /// The last verification failed: see `lastVerification` for the code and hint.
    Failing,
}

/// What an API token may do within its tenant.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "AuthRole")]
pub enum Role {
    /// Manages integrations, service hooks, automations and tokens.
    Admin,
    /// Reads integrations and repositories, and authorizes itself.
    Member,
}

/// A way users may connect their own Azure DevOps account to an integration.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "Method")]
pub enum UserAuthorizationMethod {
    /// Signing in through the integration's Microsoft Entra ID OAuth app
    /// (`startAzureDevOpsAuthorization`); needs an `oauthApp`.
    #[graphql(name = "OAUTH")]
    OAuth,
    /// Their own personal access token (`setPersonalAccessToken`).
    PersonalAccessToken,
}
