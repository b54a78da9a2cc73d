//! Projects: `GET {org}/_apis/projects` paged by `$top` + continuation token, or the allow-list.

use super::pages::{PageOut, Window, from_token_page, from_whole_list};
use super::scope::Scope;
use crate::azure::wire::ListEnvelope;
use crate::azure::wire::git::Project;
use crate::browse::Browse;
use crate::error::ApiError;

pub async fn page(state: &Browse, scope: &Scope, window: &Window) -> Result<PageOut<Project>, ApiError> {
    if let Some(allowed) = scope.allow_list() {
        // A short allow-list: one call per allowed project, paged here.
        let mut found = Vec::new();
        for name in allowed {
            if let Some(p) = scope.get::<Project>(state, &["_apis", "projects", name], &[], None).await? {
                found.push(p.value);
            }
        }
        return Ok(from_whole_list(window, found));
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
