//! Dropping cached Azure DevOps answers when a webhook says they changed.

use crate::state::AppState;

/// Forgets every cached answer about one repository of one integration (branches, pull requests,
/// the repository itself), so the next read goes to Azure DevOps.
pub fn invalidate_repository(state: &AppState, integration_id: &str, repository_id: &str) {
    state.upstream.cache.invalidate_repository(integration_id, repository_id);
}
