//! What a personal access token needs, and where a user creates one.

use super::organization_url::OrganizationUrl;

/// Scopes a PAT must carry for everything vcslink does with it.
pub const REQUIRED_PAT_SCOPES: &[&str] = &[
    // Code (read & write): list repositories and branches, create branches and pull requests, comment.
    "vso.code_write",
    // Project and team (read): list the projects the token can see.
    "vso.project",
    // Service hooks (read & write): install and repair the webhook subscriptions.
    "vso.hooks_write",
    // Work items (read & write): read and add work item comments.
    "vso.work_write",
];

/// The page where a user creates a PAT. Azure DevOps offers no query parameters we can rely on to
/// preselect scopes, so this is the plain tokens page; show [`REQUIRED_PAT_SCOPES`] beside it.
pub fn pat_creation_url(org: &OrganizationUrl) -> String {
    org.pat_page_url()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pat_page_hangs_off_the_canonical_url() {
        let org = OrganizationUrl::parse("https://contoso.visualstudio.com", None).unwrap();
        assert_eq!(pat_creation_url(&org), "https://dev.azure.com/contoso/_usersSettings/tokens");
        let server = OrganizationUrl::parse("https://ado.example.com/tfs/Coll/", None).unwrap();
        assert_eq!(pat_creation_url(&server), "https://ado.example.com/tfs/Coll/_usersSettings/tokens");
    }
}
