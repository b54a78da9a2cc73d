//! Git and project DTOs of the Azure DevOps REST API 7.1, as far as vcslink reads them.
//!
//! Unknown fields are ignored and most fields are optional: older servers and webhook payloads
//! omit some of them.

use serde::{Deserialize, Serialize};

/// Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/core/projects/list?view=azure-devops-rest-7.1>
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub visibility: Option<String>,
    pub state: Option<String>,
}

/// The project a repository belongs to.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ProjectRef {
    pub id: Option<String>,
    pub name: String,
}

/// Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/git/repositories/list?view=azure-devops-rest-7.1>
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GitRepository {
    pub id: String,
    pub name: String,
    pub project: ProjectRef,
    /// `refs/heads/main`; absent on an empty repository.
    pub default_branch: Option<String>,
    pub remote_url: Option<String>,
    pub ssh_url: Option<String>,
    pub web_url: Option<String>,
    pub is_disabled: Option<bool>,
    pub size: Option<i64>,
}

/// Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/git/refs/list?view=azure-devops-rest-7.1>
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GitRef {
    pub name: String,
    pub object_id: String,
}

/// An identity as Git answers carry it (`IdentityRef`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IdentityRef {
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub unique_name: Option<String>,
    pub is_container: Option<bool>,
}

impl IdentityRef {
    /// `uniqueName` (the sign-in name), else the display name.
    pub fn name(&self) -> String {
        self.unique_name.clone().or_else(|| self.display_name.clone()).unwrap_or_default()
    }
}

/// Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/git/pull-requests/get-pull-requests?view=azure-devops-rest-7.1>
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GitPullRequest {
    pub pull_request_id: i64,
    pub title: String,
    pub description: Option<String>,
    /// `active`, `completed` or `abandoned`.
    pub status: String,
    pub is_draft: Option<bool>,
    pub source_ref_name: String,
    pub target_ref_name: String,
    pub created_by: Option<IdentityRef>,
    pub creation_date: Option<String>,
    pub url: Option<String>,
}

/// Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/git/pull-request-threads/list?view=azure-devops-rest-7.1>
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CommentThread {
    pub id: i64,
    #[serde(default)]
    pub comments: Vec<ThreadComment>,
    pub is_deleted: Option<bool>,
    pub published_date: Option<String>,
}

/// One comment of a thread; `commentType` is `text`, `codeChange` or `system`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ThreadComment {
    pub id: i64,
    pub parent_comment_id: Option<i64>,
    pub author: Option<IdentityRef>,
    pub content: Option<String>,
    pub published_date: Option<String>,
    pub comment_type: Option<String>,
    pub is_deleted: Option<bool>,
}

/// Strips `refs/heads/` from a branch ref name.
pub fn short_branch(ref_name: &str) -> &str {
    ref_name.strip_prefix("refs/heads/").unwrap_or(ref_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repository_without_default_branch_parses() {
        let json = r#"{"id":"r","name":"empty","project":{"id":"p","name":"Platform"},"isDisabled":true}"#;
        let repo: GitRepository = serde_json::from_str(json).expect("parses");
        assert_eq!(repo.default_branch, None);
        assert_eq!(repo.is_disabled, Some(true));
        assert_eq!(short_branch("refs/heads/feature/x"), "feature/x");
    }
}
