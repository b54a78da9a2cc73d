//! Service hooks managed for the user: install, live state, repair, password update, removal.
//!
//! Azure DevOps calls happen outside database transactions; each mutation then records what it
//! did in one transaction with its audit line.

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::azure::hooks::{Subscription, SubscriptionRequest};
use crate::azure::versions::Negotiated;
use crate::azure::{AzureError, Credential};
use crate::domain::service_hook::EventKind;
use crate::error::{ApiError, Call, from_azure};
use crate::integration_credential::Kind;
use crate::service_hooks::ServiceHooks;
use entity::{integration, service_hook};

/// Where and how to call Azure DevOps for one integration.
pub struct Target {
    pub base: Url,
    /// Negotiated with the organization (see `Upstream::api_version`).
    pub api_version: Negotiated,
    pub credential: Credential,
    /// Which own credential `credential` is.
    pub kind: Kind,
}

/// The integration's organization URL and own credential (hooks are managed with the
/// integration's identity: its app identity, else its PAT).
pub async fn target(state: &ServiceHooks, m: &integration::Model) -> Result<Target, ApiError> {
    let base = Url::parse(&m.organization_url).map_err(ApiError::internal)?;
    let api_version = state.upstream.api_version(m);
    let own = crate::integration_credential::own(&state.azure, &state.keyring, m).await?.ok_or_else(|| {
        ApiError::NotAuthorizedUpstream {
            message: "managing service hooks needs the integration's app identity or personal access token".into(),
            hint: Some(
                "set appIdentity or personalAccessToken on the integration (PAT scope: Code read, or Service \
                 Hooks write)"
                    .into(),
            ),
        }
    })?;
    Ok(Target { base, api_version, credential: own.credential, kind: own.kind })
}

/// A person owns `h`, not the integration's own identity: made with a PAT while the integration
/// acts as its app identity (`acting`). It stops delivering when that person loses access.
pub fn person_owned(h: &service_hook::Model, acting: Option<Kind>) -> bool {
    acting == Some(Kind::AppIdentity)
        && h.created_with.as_deref() != Some(crate::store::integrations::ACTING_APP_IDENTITY)
}

/// For each of `hooks`, the first other one that delivers the same events: the same event type
/// on the whole project and on one of its repositories. Azure DevOps delivers each event to both
/// (docs/azure-devops-wire.md §3.10); ingest stores it once (same event id).
pub fn overlaps(hooks: &[service_hook::Model]) -> Vec<Option<String>> {
    let scope = |h: &service_hook::Model| match &h.repository {
        Some(r) => format!("repository {}/{r}", h.project),
        None => format!("project {}", h.project),
    };
    hooks
        .iter()
        .map(|h| {
            let other = hooks.iter().find(|o| {
                o.id != h.id
                    && o.event_type == h.event_type
                    && o.project_id == h.project_id
                    && (o.repository_id.is_none() != h.repository_id.is_none())
            })?;
            Some(format!(
                "overlaps the {} hook of {}: Azure DevOps delivers each {} event to both (vcslink stores it once); \
                 keep one of them",
                h.event_type,
                scope(other),
                h.event_type
            ))
        })
        .collect()
}

/// An Azure DevOps failure while managing hooks as a GraphQL error (the message never holds a
/// secret); a row of the one table, [`from_azure`].
pub fn upstream_error(e: AzureError) -> ApiError {
    from_azure(&e, Call::Hooks)
}

/// The live state of a hook, as `serviceHooks` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Live {
    /// Azure DevOps has it, with this `status`.
    Present(String),
    /// Azure DevOps no longer has it.
    Missing,
    /// Azure DevOps could not be asked (the reason, without secrets).
    Unknown(String),
}

impl Live {
    /// Disabled in a way an update cannot undo: `disabledBySystem` (410s, a failed probation) or
    /// `disabledByInactiveIdentity` (its owner left or lost rights). Only a new one delivers again.
    pub fn needs_recreating(&self) -> bool {
        matches!(self, Live::Present(status) if ["disabledBySystem", "disabledByInactiveIdentity"]
            .iter()
            .any(|s| status.eq_ignore_ascii_case(s)))
    }

    pub fn needs_repair(&self) -> bool {
        match self {
            Live::Present(status) => !status.eq_ignore_ascii_case("enabled"),
            Live::Missing => true,
            Live::Unknown(_) => false,
        }
    }
}

/// The subscription request for a stored hook, with `password`.
pub fn request_for(state: &ServiceHooks, h: &service_hook::Model, password: &SecretString) -> SubscriptionRequest {
    let version = EventKind::from_event_type(&h.event_type).resource_version();
    SubscriptionRequest::webhook(
        &h.event_type,
        version,
        &h.project_id,
        h.repository_id.as_deref(),
        &state.webhook_endpoint(&h.integration_id),
        password.expose_secret(),
    )
}

/// Asks Azure DevOps for each hook's state; failures become `Unknown`, not errors.
pub async fn live_states(state: &ServiceHooks, t: &Target, hooks: &[service_hook::Model]) -> Vec<Live> {
    let mut out = Vec::with_capacity(hooks.len());
    for h in hooks {
        let live = match state.azure.get_subscription(&t.base, t.api_version, &t.credential, &h.subscription_id).await {
            Ok(Some(Subscription { status, .. })) => Live::Present(status.unwrap_or_else(|| "enabled".into())),
            Ok(None) => Live::Missing,
            Err(e) => Live::Unknown(e.to_string()),
        };
        out.push(live);
    }
    out
}

/// Deletes every installed subscription in Azure DevOps (a 404 counts as gone); returns the count.
pub async fn remove_all(
    state: &ServiceHooks,
    m: &integration::Model,
    hooks: &[service_hook::Model],
) -> Result<i32, ApiError> {
    if hooks.is_empty() {
        return Ok(0);
    }
    let t = target(state, m).await?;
    let mut removed = 0;
    for h in hooks {
        state.azure.delete_subscription(&t.base, t.api_version, &t.credential, &h.subscription_id).await.map_err(
            |e| match upstream_error(e) {
                ApiError::UpstreamUnavailable { message } => ApiError::UpstreamUnavailable {
                    message: format!("{message}; retry, or unlink with removeServiceHooks: false"),
                },
                other => other,
            },
        )?;
        removed += 1;
    }
    Ok(removed)
}
