//! The `accessibleProjects` allow-list: Azure DevOps project names, compared case-insensitively.

use super::error::InvalidInput;

const FIELD: &str = "accessibleProjects";
const MAX_NAME_LEN: usize = 64;
/// Most projects one allow-list may name.
pub const MAX_PROJECTS: usize = 1000;
/// Characters Azure DevOps forbids in project names.
const FORBIDDEN: &[char] =
    &['\\', '/', ':', '*', '?', '"', '<', '>', '|', ';', '#', '$', '{', '}', ',', '+', '=', '[', ']'];
/// Windows device names, which Azure DevOps reserves; compared case-insensitively. (Only names no
/// real project can carry: refusing a name that exists would lock that project out.)
const RESERVED: &[&str] = &[
    "aux", "con", "nul", "prn", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "com10",
    "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A non-empty list of valid project names, deduplicated case-insensitively (first spelling
/// kept) in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProjectNames(Vec<String>);

impl ProjectNames {
    /// Parses the `accessibleProjects` input list. An empty list is refused: `null` already
    /// means "every project", and an allow-list of nothing would lock the integration out.
    pub fn parse<S: AsRef<str>>(inputs: &[S]) -> Result<ProjectNames, InvalidInput> {
        if inputs.is_empty() {
            return Err(InvalidInput::new(FIELD, "is an empty list")
                .with_hint("name at least one project, or omit accessibleProjects to allow every project"));
        }
        let mut names: Vec<String> = Vec::new();
        for input in inputs {
            let name = parse_name(input.as_ref())?;
            if !names.iter().any(|known| eq_ignore_case(known, &name)) {
                names.push(name);
            }
        }
        if names.len() > MAX_PROJECTS {
            return Err(InvalidInput::new(FIELD, format!("names more than {MAX_PROJECTS} projects"))
                .with_hint("omit accessibleProjects to allow every project"));
        }
        Ok(ProjectNames(names))
    }

    /// True when `project` is on the list; Azure DevOps project names are case-insensitive.
    pub fn contains(&self, project: &str) -> bool {
        self.0.iter().any(|name| eq_ignore_case(name, project))
    }

    /// The names, in the order given.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// The names, consumed.
    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}

fn eq_ignore_case(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

fn parse_name(input: &str) -> Result<String, InvalidInput> {
    let name = input.trim();
    let shown: String = name.chars().take(MAX_NAME_LEN + 1).collect();
    let refuse = |why: &str| {
        InvalidInput::new(FIELD, format!("\"{}\" {why}", shown.escape_debug()))
            .with_hint("use the project name exactly as Azure DevOps shows it, e.g. \"Platform\"")
    };
    if name.is_empty() {
        return Err(InvalidInput::new(FIELD, "has an empty project name").with_hint("remove the empty entry"));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(refuse("is longer than 64 characters"));
    }
    if let Some(c) = name.chars().find(|c| FORBIDDEN.contains(c) || c.is_control()) {
        return Err(refuse(&format!("contains {:?}, which project names cannot", c)));
    }
    if name.starts_with(['_', '.']) || name.ends_with('.') {
        return Err(refuse("starts with _ or ., or ends with ., which project names cannot"));
    }
    if RESERVED.contains(&name.to_lowercase().as_str()) {
        return Err(refuse("is a name Azure DevOps reserves"));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_deduplicated_case_insensitively() {
        let names = ProjectNames::parse(&["Platform", " platform ", "Web App", "Ünïcode-1"]).unwrap();
        assert_eq!(names.as_slice(), ["Platform", "Web App", "Ünïcode-1"]);
        assert!(names.contains("PLATFORM"));
        assert!(names.contains("web app"));
        assert!(names.contains("ünïcode-1"));
        assert!(!names.contains("Plat"));
    }

    #[test]
    fn invalid_project_names_are_refused_on_accessible_projects() {
        let long = "p".repeat(65);
        let bad = [
            "",
            " ",
            "a/b",
            "a\\b",
            "a:b",
            "a*b",
            "a?b",
            "a\"b",
            "a<b",
            "a>b",
            "a|b",
            "a;b",
            "a#b",
            "a$b",
            "a{b",
            "a}b",
            "a,b",
            "a+b",
            "a=b",
            "a[b",
            "a]b",
            "_hidden",
            ".dot",
            "dot.",
            "CON",
            "lpt1",
            "tab\tin",
            long.as_str(),
        ];
        for name in bad {
            let err = ProjectNames::parse(&["Fine", name]).unwrap_err();
            assert_eq!(err.field, "accessibleProjects", "{name:?}");
            assert!(err.hint.is_some(), "{name:?}");
        }
        assert!(ProjectNames::parse(&["p".repeat(64)]).is_ok());
    }

    #[test]
    fn an_empty_allow_list_is_refused() {
        let err = ProjectNames::parse::<&str>(&[]).unwrap_err();
        assert!(err.hint.unwrap().contains("omit accessibleProjects"));
    }
}
