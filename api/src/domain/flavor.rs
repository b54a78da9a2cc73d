//! Which kind of Azure DevOps an organization URL points at.

use serde::{Deserialize, Serialize};

/// Azure DevOps Services (dev.azure.com, *.visualstudio.com) or a self-hosted Azure DevOps Server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Flavor {
    Services,
    Server,
}

impl Flavor {
    /// The name stored in the database and shown in GraphQL.
    pub fn as_str(self) -> &'static str {
        match self {
            Flavor::Services => "SERVICES",
            Flavor::Server => "SERVER",
        }
    }

    pub fn parse(s: &str) -> Option<Flavor> {
        match s {
            "SERVICES" => Some(Flavor::Services),
            "SERVER" => Some(Flavor::Server),
            _ => None,
        }
    }
}
