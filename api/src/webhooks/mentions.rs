//! Display names of the identities a pull-request comment mentions as `@<GUID>`, so that an
//! automation whose trigger phrase starts with `@Display Name` also matches a mention of that
//! identity picked in the Azure DevOps UI (observed microsoft/azure-devops-go-api#40,
//! microsoft/azure-devops-mcp#1494).
//!
//! Asked only when it can matter (a comment with mentions, and an automation of the integration
//! with a trigger phrase starting with `@`), through the identities API with the integration's own
//! personal access token, by id: one id names one identity, whereas a display name may name
//! several. Names are kept per (integration, identity) in a bounded cache, misses included. A
//! failure or a slow answer never costs the delivery: it is stored with the mentions unresolved.

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use serde_json::{Map, Value};

use super::known_integrations::Known;
use crate::azure::identities;
use crate::domain::flavor::Flavor;
use crate::store::automations as rows;
use crate::webhooks::Inbox;

const CAPACITY: u64 = 10_000;
const FRESH_FOR: Duration = Duration::from_secs(3600);
/// How long a delivery's acknowledgement may wait for names.
const WAIT: Duration = Duration::from_secs(3);

/// (integration id, identity id) → display name, `None` when the identity names nobody.
#[derive(Clone)]
pub struct MentionNames {
    names: Cache<(String, String), Option<Arc<str>>>,
}

impl Default for MentionNames {
    fn default() -> Self {
        MentionNames { names: Cache::builder().max_capacity(CAPACITY).time_to_live(FRESH_FOR).build() }
    }
}

/// Whether some automation of `known` could match a mention (a comment automation whose trigger
/// phrase starts with `@`).
pub fn wanted(known: &Known) -> bool {
    known.automations.iter().any(|a| {
        a.trigger_phrase.as_deref().is_some_and(|p| p.trim_start().starts_with('@'))
            && rows::event_types(a).iter().any(|t| t == "PULL_REQUEST_COMMENTED")
    })
}

/// The names of `ids` as a JSON object (id → display name), or `None` when none resolved.
pub async fn resolve(state: &Inbox, known: &Known, ids: &[String]) -> Option<String> {
    let integration = &known.integration.id;
    let mut names = Map::new();
    let mut unknown = Vec::new();
    for id in ids.iter().take(identities::MAX_IDS) {
        match state.mention_names.names.get(&(integration.clone(), id.clone())).await {
            Some(Some(name)) => {
                names.insert(id.clone(), Value::from(name.as_ref()));
            }
            Some(None) => {}
            None => unknown.push(id.clone()),
        }
    }
    if !unknown.is_empty() {
        match tokio::time::timeout(WAIT, ask(state, known, &unknown)).await {
            Ok(Some(found)) => {
                for id in unknown {
                    let name: Option<Arc<str>> = found.iter().find(|(i, _)| *i == id).map(|(_, n)| n.as_str().into());
                    if let Some(n) = &name {
                        names.insert(id.clone(), Value::from(n.as_ref()));
                    }
                    state.mention_names.names.insert((integration.clone(), id), name).await;
                }
            }
            Ok(None) => {}
            Err(_) => {
                tracing::warn!(integration_id = %integration, "identities lookup too slow; mentions left unresolved")
            }
        }
    }
    (!names.is_empty()).then(|| Value::Object(names).to_string())
}

/// Asks Azure DevOps; `None` when it could not answer (logged, not cached).
async fn ask(state: &Inbox, known: &Known, ids: &[String]) -> Option<Vec<(String, String)>> {
    let m = &known.integration;
    let credential = match crate::integration_credential::own(&state.azure, &state.keyring, m).await {
        Ok(Some(own)) => own.credential,
        Ok(None) => return None,
        Err(e) => {
            tracing::warn!(integration_id = %m.id, error = ?e, "the integration's own credential is unusable");
            return None;
        }
    };
    let flavor = Flavor::parse(&m.flavor).unwrap_or(Flavor::Services);
    let base = identities::base(flavor, &m.organization_url, &m.organization, &state.config.vssps_url).ok()?;
    let (azure, base, credential) = (&state.azure, &base, &credential);
    let answer = state
        .upstream
        .negotiated(m, |v| async move {
            identities::read_by_ids(azure, base, ids, &v.released().to_string(), credential).await
        })
        .await;
    match answer {
        Ok(found) => Some(
            found
                .into_iter()
                .filter_map(|i| {
                    let name = i.display_name()?.to_owned();
                    let id = uuid::Uuid::parse_str(&i.id).ok()?.hyphenated().to_string();
                    Some((id, name))
                })
                .collect(),
        ),
        Err(e) => {
            tracing::warn!(integration_id = %m.id, error = %e, "identities lookup failed; mentions left unresolved");
            None
        }
    }
}
