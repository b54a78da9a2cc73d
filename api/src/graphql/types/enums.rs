//! GraphQL enums of the public contract.

use async_graphql::Enum;

use crate::auth::Role as AuthRole;
use crate::domain::flavor::Flavor;

/// Azure DevOps Services (dev.azure.com) or a self-hosted Azure DevOps Server.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AzureDevOpsFlavor {
    /// Azure DevOps Services: https://dev.azure.com/{organization}.
    Services,
    /// Azure DevOps Server 2022+: https://host/[tfs/]{collection}.
    Server,
}

impl From<Flavor> for AzureDevOpsFlavor {
    fn from(f: Flavor) -> Self {
        match f {
            Flavor::Services => AzureDevOpsFlavor::Services,
            Flavor::Server => AzureDevOpsFlavor::Server,
        }
    }
}

impl From<AzureDevOpsFlavor> for Flavor {
    fn from(f: AzureDevOpsFlavor) -> Self {
        match f {
            AzureDevOpsFlavor::Services => Flavor::Services,
            AzureDevOpsFlavor::Server => Flavor::Server,
        }
    }
}

/// Whether the integration's credentials last verified.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum IntegrationStatus {
    /// Never verified (created or updated with `verify: false`).
    Unverified,
    /// The last verification passed.
    Healthy,
    /// The last verification failed: see `lastVerification` for the code and hint.
    Failing,
}

impl IntegrationStatus {
    pub fn parse(s: &str) -> IntegrationStatus {
        match s {
            "HEALTHY" => IntegrationStatus::Healthy,
            "FAILING" => IntegrationStatus::Failing,
            _ => IntegrationStatus::Unverified,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IntegrationStatus::Unverified => "UNVERIFIED",
            IntegrationStatus::Healthy => "HEALTHY",
            IntegrationStatus::Failing => "FAILING",
        }
    }
}

/// What an API token may do within its tenant.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// Manages integrations, service hooks, automations and tokens.
    Admin,
    /// Reads integrations and repositories, and authorizes itself.
    Member,
}

impl From<AuthRole> for Role {
    fn from(r: AuthRole) -> Self {
        match r {
            AuthRole::Admin => Role::Admin,
            AuthRole::Member => Role::Member,
        }
    }
}

impl From<Role> for AuthRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => AuthRole::Admin,
            Role::Member => AuthRole::Member,
        }
    }
}
