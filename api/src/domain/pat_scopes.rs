//! What a personal access token needs, and where a user creates one: the one list of scopes that
//! the schema's descriptions, the admin guide (a generated table) and every hint name.

use super::organization_url::OrganizationUrl;

/// A scope as the PAT page shows it, its id, and what vcslink does with it.
pub struct PatScope {
    /// As the *New Token* page labels it, e.g. `Code (Read & write)`.
    pub label: &'static str,
    pub id: &'static str,
    pub why: &'static str,
}

/// Scopes a PAT must carry for everything vcslink does with it. Service hooks need no scope of
/// their own: Azure DevOps checks the event's family (Code for code events, Work Items for work
/// item events), and `vso.hooks*` are no longer offered.
pub const REQUIRED_PAT_SCOPES: &[PatScope] = &[
    PatScope {
        label: "Code (Read & write)",
        id: "vso.code_write",
        why: "list repositories and branches, create branches and pull requests, comment, and manage service hooks for code events",
    },
    PatScope { label: "Project and team (Read)", id: "vso.project", why: "list the projects the token can see" },
    PatScope {
        label: "Work Items (Read & write)",
        id: "vso.work_write",
        why: "read and add work item comments, and manage service hooks for work item events",
    },
];

/// [`REQUIRED_PAT_SCOPES`] as one phrase, for hints (a literal, so `concat!` takes it; a test
/// keeps it equal to the list).
#[macro_export]
macro_rules! pat_scopes_text {
    () => {
        "Code (Read & write) (vso.code_write), Project and team (Read) (vso.project) and Work Items (Read & write) (vso.work_write)"
    };
}

/// The label of scope `id` (e.g. `vso.code_write` → `Code (Read & write)`).
pub fn label(id: &str) -> &'static str {
    REQUIRED_PAT_SCOPES.iter().find(|s| s.id == id).map_or("", |s| s.label)
}

/// The generated table of the admin guide.
pub fn markdown_table() -> String {
    let mut out = String::from("| scope (New Token page) | id | what vcslink does with it |\n|---|---|---|\n");
    for s in REQUIRED_PAT_SCOPES {
        out.push_str(&format!("| **{}** | `{}` | {} |\n", s.label, s.id, s.why));
    }
    out
}

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

    #[test]
    fn the_phrase_is_the_list() {
        let parts: Vec<String> = REQUIRED_PAT_SCOPES.iter().map(|s| format!("{} ({})", s.label, s.id)).collect();
        let (last, rest) = parts.split_last().unwrap();
        assert_eq!(pat_scopes_text!(), format!("{} and {last}", rest.join(", ")));
        assert_eq!(label("vso.work_write"), "Work Items (Read & write)");
    }
}
