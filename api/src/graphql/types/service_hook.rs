//! `ServiceHookSubscription`: a subscription vcslink installed in Azure DevOps, with its live state.

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::{Enum, ID, Object};
use entity::service_hook::Model;

use super::delivery::WebhookEventType;
use crate::domain::global_id::{Kind as IdKind, encode};
use crate::domain::service_hook::EventKind;
use crate::graphql::mutation::credential_migration::CredentialKind;
use crate::integration_credential::Kind;
use crate::service_hooks::subscriptions::Live;
use crate::store::integrations::ACTING_APP_IDENTITY;

/// A subscription's state in Azure DevOps, read live.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ServiceHookState {
    /// Delivering.
    Enabled,
    /// Azure DevOps is retrying after failures and may drop events.
    OnProbation,
    /// Disabled by a person in Azure DevOps.
    DisabledByUser,
    /// Disabled by Azure DevOps after repeated failures. An update cannot revive it:
    /// `repairServiceHooks` deletes it and creates it again (a new `subscriptionId`).
    DisabledBySystem,
    /// Disabled because its creator's identity is inactive or lost its rights. An update cannot
    /// revive it: `repairServiceHooks` deletes it and creates it again with the integration's
    /// current credential.
    DisabledByInactiveIdentity,
    /// Deleted in Azure DevOps (`repairServiceHooks` re-creates it).
    Missing,
    /// Azure DevOps could not be asked (see `stateMessage`).
    Unknown,
}

/// A Service Hook subscription vcslink manages for an integration.
pub struct ServiceHookSubscription {
    pub row: Model,
    pub live: Live,
    /// Which own credential acts for the integration now (`acting_kind`).
    pub acting: Option<Kind>,
    /// Another hook that delivers the same events (`subscriptions::overlaps`).
    pub overlap: Option<String>,
}

impl ServiceHookSubscription {
    /// Each of an integration's hooks with its live state, the acting credential, and overlaps.
    pub fn all(hooks: Vec<(Model, Live)>, acting: Option<Kind>) -> Vec<ServiceHookSubscription> {
        let rows: Vec<Model> = hooks.iter().map(|(row, _)| row.clone()).collect();
        let overlaps = crate::service_hooks::subscriptions::overlaps(&rows);
        hooks
            .into_iter()
            .zip(overlaps)
            .map(|((row, live), overlap)| ServiceHookSubscription { row, live, acting, overlap })
            .collect()
    }
}

/// A Service Hook subscription vcslink manages for an integration, with its live state in Azure DevOps.
#[Object]
impl ServiceHookSubscription {
    /// Global ID.
    pub async fn id(&self) -> ID {
        encode(IdKind::ServiceHookSubscription, &self.row.id).into()
    }

    /// The subscription id in Azure DevOps (changes when a repair re-creates it).
    async fn subscription_id(&self) -> &str {
        &self.row.subscription_id
    }

    /// The event delivered.
    async fn event_type(&self) -> WebhookEventType {
        EventKind::from_event_type(&self.row.event_type).into()
    }

    /// The Azure DevOps event type, e.g. `git.push`.
    async fn raw_event_type(&self) -> &str {
        &self.row.event_type
    }

    /// Who owns it in Azure DevOps (its `createdBy`: the sign-in name, else the display name):
    /// the PAT's owner or the app identity. Null for hooks installed before this was recorded.
    async fn created_by(&self) -> Option<&str> {
        self.row.created_by.as_deref()
    }

    /// Which of the integration's credentials created it. A hook made with a PAT stops when the
    /// PAT's owner loses access; `migrateIntegrationCredential(to: APP_IDENTITY)` moves it.
    /// Hooks installed before this was recorded were made with the PAT.
    async fn created_with(&self) -> CredentialKind {
        match self.row.created_with.as_deref() {
            Some(ACTING_APP_IDENTITY) => CredentialKind::AppIdentity,
            _ => CredentialKind::Pat,
        }
    }

    /// Project name.
    async fn project(&self) -> &str {
        &self.row.project
    }

    /// Repository name; null when the subscription covers the whole project.
    async fn repository(&self) -> Option<&str> {
        self.row.repository.as_deref()
    }

    /// The live state in Azure DevOps.
    async fn state(&self) -> ServiceHookState {
        match &self.live {
            Live::Present(s) => match s.to_ascii_lowercase().as_str() {
                "enabled" => ServiceHookState::Enabled,
                "onprobation" => ServiceHookState::OnProbation,
                "disabledbyuser" => ServiceHookState::DisabledByUser,
                "disabledbysystem" => ServiceHookState::DisabledBySystem,
                "disabledbyinactiveidentity" => ServiceHookState::DisabledByInactiveIdentity,
                _ => ServiceHookState::Unknown,
            },
            Live::Missing => ServiceHookState::Missing,
            Live::Unknown(_) => ServiceHookState::Unknown,
        }
    }

    /// Why the state is `UNKNOWN`; null otherwise.
    async fn state_message(&self) -> Option<&str> {
        match &self.live {
            Live::Unknown(m) => Some(m),
            _ => None,
        }
    }

    /// Problems worth showing. A hook that overlaps another (the same event on the whole project
    /// and on one of its repositories) has each event delivered twice. A hook owned by a person (made with a personal access token)
    /// while the integration acts as its app identity stops delivering when that person loses
    /// access: `repairServiceHooks(input: { reown: true })` re-creates it under the app identity.
    async fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self.overlap.iter().cloned().collect();
        if crate::service_hooks::subscriptions::person_owned(&self.row, self.acting) {
            let who = self.row.created_by.as_deref().unwrap_or("a person");
            out.push(format!(
                "owned by {who} (made with a personal access token), not the integration's app identity: it stops \
                 delivering when they lose access; repairServiceHooks(input: {{ reown: true }}) re-creates it under \
                 the app identity"
            ));
        }
        out
    }

    /// When vcslink installed it.
    async fn created_at(&self) -> Timestamp {
        self.row.created_at.into()
    }
}
