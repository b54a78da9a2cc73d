//! The profile service, used for one question only: is this PAT a global one?
//!
//! `GET {profile}/_apis/profile/profiles/me` answers Entra tokens and global ("All accessible
//! organizations") PATs, and refuses organization-scoped PATs with 401 (docs/azure-devops-wire.md §3.11,
//! observed edgafner/dorkag#31, #60). Services stopped accepting global PATs on 2026-12-01 (§7),
//! yet the profile keeps answering them, which is how a refused PAT is told to be a global one.
//! Never used to identify an organization-scoped PAT: `connectionData` does.

use super::client::{AzureClient, Credential};

/// The released version of the profile resource (vsts-rest-api-specs `profile/7.1`).
const PROFILE_API_VERSION: &str = "7.1";

/// True when the profile service accepts `credential`; any failure (401, unreachable) is false.
pub async fn answers(client: &AzureClient, credential: &Credential) -> bool {
    let base = client.config().profile_url.clone();
    let answer: Result<serde_json::Value, _> =
        client.get_json(&base, "_apis/profile/profiles/me", &[("api-version", PROFILE_API_VERSION)], credential).await;
    match answer {
        Ok(_) => true,
        Err(e) => {
            tracing::debug!(error = %e, "the profile service refused the credential");
            false
        }
    }
}
