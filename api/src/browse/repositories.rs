//! Repositories (whole lists, paged here), one repository by name, and its branches (refs paged by
//! `$top` + continuation token).

use super::pages::{PageOut, Window, from_token_page, from_whole_list};
use super::scope::Scope;
use crate::azure::wire::ListEnvelope;
use crate::azure::wire::git::{GitRef, GitRepository};
use crate::browse::Browse;
use crate::error::ApiError;

/// The repositories of `project` (or of every project), filtered by the allow-list and by a
/// case-insensitive `search` in the name, ordered by project then name. One upstream call
/// (cached), with an allow-list of any length.
pub async fn list(
    state: &Browse,
    scope: &Scope,
    project: Option<&str>,
    search: Option<&str>,
) -> Result<Vec<GitRepository>, ApiError> {
    // Every project: the organization's list, one call whatever the allow-list (filtered here).
    let mut repos = match project {
        Some(p) if !scope.allows(p) => Vec::new(),
        Some(p) => fetch(state, scope, &[p, "_apis", "git", "repositories"]).await?,
        None => fetch(state, scope, &["_apis", "git", "repositories"]).await?,
    };
    repos.retain(|r| scope.allows(&r.project.name));
    if let Some(s) = search.map(str::to_lowercase).filter(|s| !s.is_empty()) {
        repos.retain(|r| r.name.to_lowercase().contains(&s));
    }
    repos.sort_by(|a, b| {
        (a.project.name.to_lowercase(), a.name.to_lowercase())
            .cmp(&(b.project.name.to_lowercase(), b.name.to_lowercase()))
    });
    Ok(repos)
}

async fn fetch(state: &Browse, scope: &Scope, segments: &[&str]) -> Result<Vec<GitRepository>, ApiError> {
    Ok(scope
        .get::<ListEnvelope<GitRepository>>(state, segments, &[], None)
        .await?
        .map(|f| f.value.value)
        .unwrap_or_default())
}

pub async fn page(
    state: &Browse,
    scope: &Scope,
    project: Option<&str>,
    search: Option<&str>,
    window: &Window,
) -> Result<PageOut<GitRepository>, ApiError> {
    Ok(from_whole_list(window, list(state, scope, project, search).await?))
}

/// One repository by project and name (or id); `None` when missing, invisible or not allowed.
pub async fn get(state: &Browse, scope: &Scope, project: &str, name: &str) -> Result<Option<GitRepository>, ApiError> {
    if !scope.allows(project) {
        return Ok(None);
    }
    let repo = scope
        .get::<GitRepository>(state, &[project, "_apis", "git", "repositories", name], &[], Some(name))
        .await?
        .map(|f| f.value);
    Ok(repo.filter(|r| scope.allows(&r.project.name)))
}

/// One page of the repository's branches (`refs?filter=heads/`).
pub async fn branches(
    state: &Browse,
    scope: &Scope,
    repo: &GitRepository,
    window: &Window,
) -> Result<PageOut<GitRef>, ApiError> {
    let mut query =
        vec![("filter", "heads/".to_owned()), ("$top", window.after.skip.saturating_add(window.first).to_string())];
    if let Some(token) = &window.after.token {
        query.push(("continuationToken", token.clone()));
    }
    let segments = [repo.project.name.as_str(), "_apis", "git", "repositories", repo.id.as_str(), "refs"];
    let fetched = scope.get::<ListEnvelope<GitRef>>(state, &segments, &query, Some(&repo.id)).await?;
    Ok(match fetched {
        Some(f) => from_token_page(window, f.value.value, f.continuation_token),
        None => PageOut { items: Vec::new(), has_next: false, total: None },
    })
}

/// One repository by its GUID, at organization level (for `node(id)`).
pub async fn get_by_id(state: &Browse, scope: &Scope, id: &str) -> Result<Option<GitRepository>, ApiError> {
    let repo =
        scope.get::<GitRepository>(state, &["_apis", "git", "repositories", id], &[], Some(id)).await?.map(|f| f.value);
    Ok(repo.filter(|r| scope.allows(&r.project.name)))
}
