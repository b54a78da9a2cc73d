//! Projects: `GET {org}/_apis/projects` paged by `$top` + continuation token. With an allow-list,
//! the same list is walked from the cursor and filtered, so a page costs one call per 100 projects
//! of the organization read, not one per allowed project.

use super::pages::{PageOut, Position, Window, from_token_page};
use super::scope::Scope;
use crate::azure::wire::ListEnvelope;
use crate::azure::wire::git::Project;
use crate::browse::Browse;
use crate::error::ApiError;

/// Projects asked for per call while walking for an allow-list.
const WALK_PAGE: u32 = 100;
/// Upstream pages one GraphQL page may walk; a sparse allow-list in a large organization then
/// answers a shorter page with `hasNextPage`, and the next page walks on from there.
const MAX_WALK_CALLS: usize = 10;

pub async fn page(state: &Browse, scope: &Scope, window: &Window) -> Result<PageOut<Project>, ApiError> {
    if scope.allow_list().is_some() {
        return allowed_page(state, scope, window).await;
    }
    let mut query = vec![("$top", window.after.skip.saturating_add(window.first).to_string())];
    if let Some(token) = &window.after.token {
        query.push(("continuationToken", token.clone()));
    }
    let fetched = scope.get::<ListEnvelope<Project>>(state, &["_apis", "projects"], &query, None).await?;
    Ok(match fetched {
        Some(f) => from_token_page(window, f.value.value, f.continuation_token),
        None => PageOut { items: Vec::new(), has_next: false, total: None },
    })
}

/// The allowed projects after `window.after`, in the organization's order: its list read 100 at a
/// time from the cursor's upstream page, until one more than the page is found. Once the page
/// holds a project, the walk stops after [`MAX_WALK_CALLS`] calls (a shorter page, `hasNextPage`).
async fn allowed_page(state: &Browse, scope: &Scope, window: &Window) -> Result<PageOut<Project>, ApiError> {
    let want = window.first as usize;
    let (mut token, mut skip) = (window.after.token.clone(), window.after.skip as usize);
    let mut items = Vec::new();
    let mut calls = 0;
    loop {
        let mut query = vec![("$top", WALK_PAGE.to_string())];
        if let Some(t) = &token {
            query.push(("continuationToken", t.clone()));
        }
        calls += 1;
        let fetched = scope.get::<ListEnvelope<Project>>(state, &["_apis", "projects"], &query, None).await?;
        let Some(fetched) = fetched else { return Ok(PageOut { items, has_next: false, total: None }) };
        let listed = fetched.value.value.len();
        for (i, project) in fetched.value.value.into_iter().enumerate().skip(skip) {
            if !scope.allows(&project.name) {
                continue;
            }
            if items.len() == want {
                return Ok(PageOut { items, has_next: true, total: None });
            }
            items.push((Position { token: token.clone(), skip: (i + 1) as u32 }, project));
        }
        let next = fetched.continuation_token.filter(|_| listed > 0);
        let Some(next) = next else { return Ok(PageOut { items, has_next: false, total: None }) };
        if !items.is_empty() && calls >= MAX_WALK_CALLS {
            return Ok(PageOut { items, has_next: true, total: None });
        }
        (token, skip) = (Some(next), 0);
    }
}
