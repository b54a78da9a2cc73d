//! `createAutomation` and `deleteAutomation`: parse, guard the target URL, store with an audit line.

use sea_orm::TransactionTrait;
use secrecy::{ExposeSecret, SecretString};

use crate::azure::check_url;
use crate::domain::WebhookPassword;
use crate::domain::service_hook::EventKind;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::automations::{self as rows, NewAutomation};
use crate::store::{self, audit::Actor, integrations};

/// The raw `CreateAutomationInput`, event types already mapped.
pub struct CreateAutomation {
    pub integration_id: String,
    pub name: String,
    pub event_types: Vec<EventKind>,
    pub project: Option<String>,
    pub repository: Option<String>,
    pub branch: Option<String>,
    pub trigger_phrase: Option<String>,
    pub target_url: String,
    pub secret: Option<SecretString>,
}

fn trimmed(v: Option<String>, field: &str, max: usize) -> Result<Option<String>, ApiError> {
    match v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) {
        Some(s) if s.chars().count() > max => {
            Err(ApiError::validation(field, format!("is longer than {max} characters"), None))
        }
        other => Ok(other),
    }
}

/// Creates the automation; returns it and the signing secret when generated here (shown once).
pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: CreateAutomation,
) -> Result<(entity::automation::Model, Option<SecretString>), ApiError> {
    let name = trimmed(Some(input.name), "name", 100)?
        .ok_or_else(|| ApiError::validation("name", "must not be empty", None))?;
    let mut kinds = input.event_types;
    kinds.dedup();
    if kinds.is_empty() {
        return Err(ApiError::validation("eventTypes", "name at least one event type", None));
    }
    let url = url::Url::parse(input.target_url.trim())
        .map_err(|_| ApiError::validation("targetUrl", "is not an absolute URL", None))?;
    check_url(&url, state.config.allow_private_upstreams)
        .map_err(|e| ApiError::validation("targetUrl", e.to_string(), Some("use a public https:// URL")))?;
    let (secret, generated) = match input.secret {
        Some(s) if s.expose_secret().is_empty() || s.expose_secret().len() > 256 => {
            return Err(ApiError::validation("secret", "must be 1 to 256 characters", None));
        }
        Some(s) => (s, false),
        None => (WebhookPassword::generate().secret().clone(), true),
    };
    let integration = integrations::get(&state.db, &actor.tenant_id, &input.integration_id)
        .await?
        .ok_or(ApiError::not_found("integration"))?;
    let n = NewAutomation {
        id: store::new_id(),
        tenant_id: actor.tenant_id.clone(),
        integration_id: integration.id.clone(),
        name,
        event_types: kinds.iter().map(|k| k.as_str().to_owned()).collect(),
        project: trimmed(input.project, "project", 200)?,
        repository: trimmed(input.repository, "repository", 200)?,
        branch: trimmed(input.branch, "branch", 400)?,
        trigger_phrase: trimmed(input.trigger_phrase, "triggerPhrase", 400)?,
        target_url: url.to_string(),
        secret: secret.clone(),
    };
    let txn = state.db.begin().await?;
    let model = rows::insert(&txn, &state.keyring, n).await?;
    let details =
        serde_json::json!({ "integrationId": integration.id, "name": model.name, "targetHost": url.host_str() });
    store::audit::record(&txn, actor, "automation.create", Some(&model.id), details).await?;
    txn.commit().await?;
    state.known_integrations.forget(&integration.id).await;
    Ok((model, generated.then_some(secret)))
}

pub async fn delete(state: &AppState, actor: &Actor, id: &str) -> Result<(), ApiError> {
    let txn = state.db.begin().await?;
    let current = rows::get(&txn, &actor.tenant_id, id).await?.ok_or(ApiError::not_found("automation"))?;
    rows::delete(&txn, &actor.tenant_id, id).await?;
    let details = serde_json::json!({ "integrationId": current.integration_id, "name": current.name });
    store::audit::record(&txn, actor, "automation.delete", Some(id), details).await?;
    txn.commit().await?;
    state.known_integrations.forget(&current.integration_id).await;
    Ok(())
}
