//! Pull requests (offset-paged by `$top`/`$skip`), one by number, and its comment threads.

use super::pages::{PageOut, Window, from_offset_page};
use super::scope::Scope;
use crate::azure::wire::ListEnvelope;
use crate::azure::wire::git::{CommentThread, GitPullRequest, GitRepository};
use crate::browse::Browse;
use crate::error::ApiError;

/// `searchCriteria.status`: `active`, `completed`, `abandoned` or `all`.
pub async fn page(
    state: &Browse,
    scope: &Scope,
    repo: &GitRepository,
    status: &str,
    window: &Window,
) -> Result<PageOut<GitPullRequest>, ApiError> {
    let query = vec![
        ("searchCriteria.status", status.to_owned()),
        ("$top", (window.first + 1).to_string()),
        ("$skip", window.after.skip.to_string()),
    ];
    let segments = [repo.project.name.as_str(), "_apis", "git", "repositories", repo.id.as_str(), "pullrequests"];
    let fetched = scope.get::<ListEnvelope<GitPullRequest>>(state, &segments, &query, Some(&repo.id)).await?;
    Ok(from_offset_page(window, fetched.map(|f| f.value.value).unwrap_or_default()))
}

pub async fn get(
    state: &Browse,
    scope: &Scope,
    repo: &GitRepository,
    number: i64,
) -> Result<Option<GitPullRequest>, ApiError> {
    let n = number.to_string();
    let segments =
        [repo.project.name.as_str(), "_apis", "git", "repositories", repo.id.as_str(), "pullrequests", n.as_str()];
    Ok(scope.get::<GitPullRequest>(state, &segments, &[], Some(&repo.id)).await?.map(|f| f.value))
}

/// Every thread of the pull request, oldest first.
pub async fn threads(
    state: &Browse,
    scope: &Scope,
    repo: &GitRepository,
    number: i64,
) -> Result<Vec<CommentThread>, ApiError> {
    let n = number.to_string();
    let segments = [
        repo.project.name.as_str(),
        "_apis",
        "git",
        "repositories",
        repo.id.as_str(),
        "pullRequests",
        n.as_str(),
        "threads",
    ];
    let mut threads = scope
        .get::<ListEnvelope<CommentThread>>(state, &segments, &[], Some(&repo.id))
        .await?
        .map(|f| f.value.value)
        .unwrap_or_default();
    threads.sort_by_key(|t| (t.published_date.clone(), t.id));
    Ok(threads)
}
