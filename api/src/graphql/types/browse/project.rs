//! `Project`: an Azure DevOps project.

use async_graphql::{ID, SimpleObject};

use crate::azure::wire::git as wire_git;

/// An Azure DevOps project the credential sees (and `accessibleProjects` allows).
#[derive(SimpleObject, Clone)]
pub struct Project {
    /// The project's GUID in Azure DevOps.
    pub id: ID,
    /// The project name.
    pub name: String,
    /// The project description; null when it has none.
    pub description: Option<String>,
    /// `private` or `public`.
    pub visibility: String,
}

impl From<wire_git::Project> for Project {
    fn from(p: wire_git::Project) -> Self {
        Project {
            id: ID(p.id),
            name: p.name,
            description: p.description.filter(|d| !d.is_empty()),
            visibility: p.visibility.unwrap_or_else(|| "private".into()),
        }
    }
}
