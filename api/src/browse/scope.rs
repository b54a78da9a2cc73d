//! A read scope: one integration, the credential chosen for the caller, and its project allow-list.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use url::Url;

use super::credential::{self, Chosen, Purpose};
use super::fetch::{self, Target};
use crate::auth::Principal;
use crate::azure::AzureError;
use crate::azure::needed_scope::NeededScope;
use crate::azure::verification::{CheckName, Verification, VerificationCheck, VerificationCode};
use crate::azure::versions::Negotiated;
use crate::azure::whoami::connection_data;
use crate::browse::Browse;
use crate::error::{ApiError, Call, from_azure, missing_scope};
use crate::store::integrations as rows;

/// A read's row of the error table (a 404 is `None`, answered before the table is asked).
const READ: Call<'static> = Call::Read { what: "Azure DevOps resource" };

/// The newest api-version vcslink speaks (`Negotiated::LATEST`); kept for callers that print it.
pub const API_VERSION: &str = "7.1";

/// Everything a read on behalf of a caller needs; shared by the objects a query returns.
pub struct Scope {
    pub integration: Arc<entity::integration::Model>,
    pub org_url: Url,
    pub chosen: Chosen,
    allowed: Option<Vec<String>>,
}

/// One decoded answer and the token of the next page.
pub struct Fetched<T> {
    pub value: T,
    pub continuation_token: Option<String>,
}

impl Scope {
    pub async fn open(
        state: &Browse,
        principal: &Principal,
        integration: entity::integration::Model,
        purpose: Purpose,
    ) -> Result<Arc<Scope>, ApiError> {
        let chosen = credential::choose(state, principal, &integration, purpose).await?;
        let org_url = Url::parse(&integration.organization_url).map_err(ApiError::internal)?;
        let allowed = rows::accessible_projects(&integration);
        Ok(Arc::new(Scope { integration: Arc::new(integration), org_url, chosen, allowed }))
    }

    /// Whether `project` (a name) may be read: the allow-list, case-insensitively.
    pub fn allows(&self, project: &str) -> bool {
        self.allowed.as_ref().is_none_or(|list| list.iter().any(|p| p.eq_ignore_ascii_case(project)))
    }

    pub fn allow_list(&self) -> Option<&[String]> {
        self.allowed.as_deref()
    }

    /// `{org}/{segments...}?{query}&api-version=..`, each segment percent-encoded.
    fn url(&self, api_version: &str, segments: &[&str], query: &[(&str, String)]) -> Result<Url, ApiError> {
        let mut url = self.org_url.clone();
        {
            let mut path = url.path_segments_mut().map_err(|_| ApiError::internal("organization URL has no path"))?;
            path.pop_if_empty();
            path.extend(segments);
        }
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in query {
                q.append_pair(k, v);
            }
            q.append_pair("api-version", api_version);
        }
        Ok(url)
    }

    /// GETs and decodes through the cache; a 404 is `None`. A rejected credential marks the
    /// integration FAILING (when it is the integration's own).
    pub async fn get<T: DeserializeOwned>(
        &self,
        state: &Browse,
        segments: &[&str],
        query: &[(&str, String)],
        repository: Option<&str>,
    ) -> Result<Option<Fetched<T>>, ApiError> {
        let target = Target { integration_id: &self.integration.id, chosen: &self.chosen, repository };
        let mut version = state.upstream.api_version(&self.integration);
        for _ in 0..2 {
            let url = self.url(&version.released().to_string(), segments, query)?;
            match fetch::get(&state.azure, &state.upstream, &target, url).await {
                Ok(answer) => {
                    let value = serde_json::from_slice(&answer.body).map_err(|e| ApiError::UpstreamUnavailable {
                        message: format!("Azure DevOps answered with unexpected JSON: {e}"),
                    })?;
                    return Ok(Some(Fetched { value, continuation_token: answer.continuation_token.clone() }));
                }
                Err(e) => match &*e {
                    AzureError::NotFound { .. } => return Ok(None),
                    AzureError::VersionOutOfRange { latest: Some(latest) }
                        if Negotiated::parse(latest).is_some_and(|older| older != version) =>
                    {
                        version = Negotiated::parse(latest).unwrap_or(version);
                        state.upstream.learn_api_version(&self.integration.id, version);
                    }
                    other => return Err(self.on_failure(state, other, segments).await),
                },
            }
        }
        Err(ApiError::UpstreamUnavailable { message: "Azure DevOps refused every REST API version tried".into() })
    }

    /// The error for a failed read. A 401 from a route is first checked against `connectionData`
    /// with the same credential: accepted there, the token only lacks the route's scope
    /// (docs/azure-devops-wire.md §2.3), which never flips a working integration to FAILING. Only a
    /// credential that `connectionData` refuses too marks the integration FAILING (when it is
    /// the integration's own). One extra call, on 401s only.
    async fn on_failure(&self, state: &Browse, e: &AzureError, segments: &[&str]) -> ApiError {
        if matches!(e, AzureError::Unauthorized { expired: false }) {
            let version = state.upstream.api_version(&self.integration);
            let recheck = connection_data(&state.azure, &self.org_url, &self.chosen.credential, version).await;
            match recheck {
                Ok(_) => {
                    let scope = NeededScope::for_route(segments);
                    tracing::info!(?scope, "a route refused a credential that connectionData accepts: a missing scope");
                    return missing_scope(scope);
                }
                Err(AzureError::Unauthorized { .. } | AzureError::IisBasicAuth) => {}
                // connectionData could not say (unreachable, throttled): do not flip on a guess.
                Err(other) => {
                    tracing::warn!(error = %other, "could not re-check the credential with connectionData");
                    return from_azure(e, READ);
                }
            }
        }
        self.mark_failing(state, e).await;
        from_azure(e, READ)
    }

    async fn mark_failing(&self, state: &Browse, e: &AzureError) {
        let Some(code) = failing_code(e) else { return };
        if !self.chosen.is_integration_credential() {
            return;
        }
        state.upstream.cache.invalidate_integration(&self.integration.id);
        let message = format!("Azure DevOps rejected the integration's credential while serving a request: {e}.");
        let v = Verification {
            ok: false,
            checked_at: chrono::Utc::now(),
            code,
            message: message.clone(),
            hint: code.hint_for(&self.org_url, None),
            authenticated_as: None,
            project_count: None,
            checks: vec![VerificationCheck { name: CheckName::CredentialValid, ok: false, code: Some(code), message }],
            api_version: Some(state.upstream.api_version(&self.integration).to_string()),
            app_identity_as: None,
        };
        let Ok(json) = serde_json::to_string(&v) else { return };
        if let Ok(Some(current)) = rows::get(&state.db, &self.integration.tenant_id, &self.integration.id).await
            && let Err(e) =
                rows::set_verification(&state.db, current, crate::domain::integration::Status::Failing, json).await
        {
            tracing::warn!(error = %e, "could not mark the integration FAILING");
        }
    }
}

/// The verification code a rejected credential earns the integration (it is marked FAILING).
/// Only for a credential that `connectionData` refuses too (see `Scope::on_failure`).
fn failing_code(e: &AzureError) -> Option<VerificationCode> {
    match e {
        AzureError::Unauthorized { expired: true } => Some(VerificationCode::PatExpired),
        AzureError::Unauthorized { expired: false } | AzureError::IisBasicAuth => Some(VerificationCode::PatInvalid),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_refused_credential_earns_a_failing_code() {
        assert_eq!(failing_code(&AzureError::Unauthorized { expired: true }), Some(VerificationCode::PatExpired));
        assert_eq!(failing_code(&AzureError::Forbidden { message: String::new() }), None);
    }
}
