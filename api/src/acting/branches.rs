//! `createBranch`: a branch created as the caller, from a branch or a commit.

use entity::integration;

use super::{ActAs, Target, audit, forget, target};
use crate::auth::Principal;
use crate::azure::git_write;
use crate::azure::wire::git::GitRef;
use crate::browse::Browse;
use crate::error::ApiError;
use crate::error::{Call, from_azure};
use crate::store::audit::Actor;

/// A branch name without `refs/heads/`; `VALIDATION` on `name` when git would refuse it.
pub fn parse_name(raw: &str) -> Result<String, ApiError> {
    let name = raw.trim().trim_start_matches("refs/heads/").to_owned();
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || "~^:?*[\\".contains(c)) || name.contains("..") {
        return Err(ApiError::validation("name", "not a valid branch name", Some("e.g. feature/rate-limit")));
    }
    Ok(name)
}

fn is_commit_id(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A branch to create: its name and where it starts (a branch or a 40-hex commit id).
#[derive(Clone, Copy)]
pub struct NewBranch<'a> {
    pub name: &'a str,
    pub from: &'a str,
}

/// Creates `branch` in `repository`. An existing branch is `CONFLICT`.
pub async fn create(
    state: &Browse,
    p: &Principal,
    actor: &Actor,
    m: integration::Model,
    repository: &str,
    branch: NewBranch<'_>,
    act_as: ActAs,
) -> Result<GitRef, ApiError> {
    let NewBranch { name, from } = branch;
    let t = target(state, p, m, repository, act_as).await?;
    let from = from.trim();
    let object_id = if is_commit_id(from) { from.to_ascii_lowercase() } else { head_of(state, &t, from).await? };
    let create = |v| {
        git_write::create_branch(
            &state.azure,
            (&t.scope.org_url, v),
            &t.project,
            &t.repo.name,
            name,
            &object_id,
            t.credential(),
        )
    };
    let update = state
        .upstream
        .negotiated(&t.scope.integration, create)
        .await
        .map_err(|e| from_azure(&e, Call::Write { what: "repository" }))?;
    match update.update_status.as_deref() {
        Some("succeeded") => {}
        Some("staleOldObjectId") | Some("refNameConflict") => {
            return Err(ApiError::Conflict { message: format!("branch {name} already exists"), hint: None });
        }
        Some("unresolvableToCommit") => {
            return Err(ApiError::validation("from", format!("{from} is not a commit of the repository"), None));
        }
        Some("invalidRefName") => {
            return Err(ApiError::validation("name", "Azure DevOps refuses this branch name", None));
        }
        other => {
            return Err(ApiError::Forbidden {
                message: format!("Azure DevOps refused to create the branch ({})", other.unwrap_or("unknown")),
                hint: None,
            });
        }
    }
    forget(state, &t);
    audit(state, actor, "repository.create_branch", &t, serde_json::json!({ "branch": name })).await?;
    Ok(GitRef { name: update.name, object_id: update.new_object_id })
}

/// The commit branch `from` points at; `VALIDATION` on `from` when there is no such branch.
async fn head_of(state: &Browse, t: &Target, from: &str) -> Result<String, ApiError> {
    let branch = from.trim_start_matches("refs/heads/");
    let org = &t.scope.org_url;
    let head = |v| git_write::branch_head(&state.azure, (org, v), &t.project, &t.repo.name, branch, t.credential());
    state
        .upstream
        .negotiated(&t.scope.integration, head)
        .await
        .map_err(|e| from_azure(&e, Call::Write { what: "repository" }))?
        .ok_or_else(|| ApiError::validation("from", format!("no branch named {branch}"), None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_branch_name_loses_its_refs_heads_prefix() {
        assert_eq!(parse_name(" refs/heads/feature/rate-limit ").ok().as_deref(), Some("feature/rate-limit"));
    }

    #[test]
    fn names_git_refuses_are_rejected() {
        for bad in ["", "refs/heads/", "a b", "a..b", "a~1", "a^", "a:b", "a?", "a*", "a[b", "a\\b"] {
            assert!(parse_name(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn only_forty_hex_digits_are_a_commit_id() {
        assert!(is_commit_id(&format!("{}0", "aB3".repeat(13))));
        assert!(!is_commit_id("main"));
        assert!(!is_commit_id(&"g".repeat(40)));
        assert!(!is_commit_id(&"a".repeat(39)));
    }
}
