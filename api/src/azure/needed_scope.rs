//! Which PAT scope an Azure DevOps route needs, by the name the token page shows.

/// A PAT scope vcslink needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeededScope {
    Code,
    ProjectAndTeam,
    WorkItems,
    ServiceHooks,
}

impl NeededScope {
    /// The scope a route under `{org}/...` needs, from its path segments.
    pub fn for_route(segments: &[&str]) -> NeededScope {
        let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
        let has = |s: &str| lower.iter().any(|x| x == s);
        if has("wit") {
            NeededScope::WorkItems
        } else if has("hooks") {
            NeededScope::ServiceHooks
        } else if has("git") {
            NeededScope::Code
        } else {
            NeededScope::ProjectAndTeam
        }
    }

    /// e.g. `Project and Team (Read) (vso.project)`.
    pub fn label(self) -> &'static str {
        match self {
            NeededScope::Code => "Code (Read & write) (vso.code_write)",
            NeededScope::ProjectAndTeam => "Project and Team (Read) (vso.project)",
            NeededScope::WorkItems => "Work Items (Read & write) (vso.work_write)",
            // Service hooks are managed through the Code and Work Items scopes (§3.10).
            NeededScope::ServiceHooks => {
                "Code (Read & write) and Work Items (Read & write), which manage Service Hooks"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_needs_the_scope_of_its_area() {
        assert_eq!(NeededScope::for_route(&["_apis", "projects"]), NeededScope::ProjectAndTeam);
        assert_eq!(NeededScope::for_route(&["Platform", "_apis", "git", "repositories"]), NeededScope::Code);
        assert_eq!(
            NeededScope::for_route(&["P", "_apis", "wit", "workItems", "1", "comments"]),
            NeededScope::WorkItems
        );
        assert_eq!(NeededScope::for_route(&["_apis", "hooks", "subscriptions"]), NeededScope::ServiceHooks);
    }
}
