//! `createAutomation`, `updateAutomation` and `deleteAutomation`: parse, guard the target URL,
//! store with an audit line.

use secrecy::SecretString;

use crate::automations::Automations;
use crate::azure::check_url;
use crate::domain::WebhookPassword;
use crate::domain::automation::NewAutomation;
use crate::domain::secret_version::{Decision, FIELD, decide, same};
use crate::error::ApiError;
use crate::store::automations::{self as rows, Insert};
use crate::store::{self, audit::Actor, integrations};

/// Creates the automation; returns it and the signing secret when generated here (shown once).
/// `secret_version` is the secret's first version (default 1).
pub async fn create(
    state: &Automations,
    actor: &Actor,
    integration_id: &str,
    new: NewAutomation,
    secret_version: Option<i32>,
) -> Result<(entity::automation::Model, Option<SecretString>), ApiError> {
    let Decision::Write(secret_version) = decide(FIELD, secret_version, None, || false)? else {
        unreachable!("nothing is stored to keep")
    };
    check_url(&new.target_url, state.config.allow_private_upstreams)
        .map_err(|e| ApiError::validation("targetUrl", e.to_string(), Some("use a public https:// URL")))?;
    let integration = integrations::get(&state.db, &actor.tenant_id, integration_id)
        .await?
        .ok_or(ApiError::not_found("integration"))?;
    let (secret, generated) = match &new.secret {
        Some(s) => (s.clone(), false),
        None => (WebhookPassword::generate().secret().clone(), true),
    };
    let id = store::new_id();
    let n = Insert {
        id: &id,
        tenant_id: &actor.tenant_id,
        integration_id: &integration.id,
        automation: &new,
        secret: &secret,
        secret_version,
    };
    let txn = crate::store::begin_write(&state.db).await?;
    let model = rows::insert(&txn, &state.keyring, n).await?;
    let details = serde_json::json!({ "integrationId": integration.id, "name": model.name, "targetHost": new.target_url.host_str() });
    store::audit::record(&txn, actor, "automation.create", Some(&model.id), details).await?;
    txn.commit().await?;
    state.known_integrations.forget(&integration.id).await;
    Ok((model, generated.then_some(secret)))
}

/// Applies `merge` (the stored automation → the whole new one, parsed) and stores the result;
/// `secret: None` in what it returns keeps the stored secret, and so does a secret repeated under
/// its stored `secret_version` ([`crate::domain::secret_version`]).
pub async fn update(
    state: &Automations,
    actor: &Actor,
    id: &str,
    secret_version: Option<i32>,
    merge: impl FnOnce(&entity::automation::Model) -> Result<NewAutomation, ApiError>,
) -> Result<entity::automation::Model, ApiError> {
    let txn = crate::store::begin_write(&state.db).await?;
    let current = rows::get(&txn, &actor.tenant_id, id).await?.ok_or(ApiError::not_found("automation"))?;
    let mut new = merge(&current)?;
    let mut version = None;
    if let Some(secret) = &new.secret {
        let stored = current.secret_sealed.is_some().then_some(current.secret_version);
        let same_value = || matches!(rows::open_secret(&state.keyring, &current), Ok(Some(s)) if same(&s, secret));
        match decide(FIELD, secret_version, stored, same_value)? {
            Decision::Keep => new.secret = None,
            Decision::Write(v) => version = Some(v),
        }
    }
    check_url(&new.target_url, state.config.allow_private_upstreams)
        .map_err(|e| ApiError::validation("targetUrl", e.to_string(), Some("use a public https:// URL")))?;
    let integration_id = current.integration_id.clone();
    let model = rows::update(&txn, &state.keyring, current, &new, version).await?;
    let details = serde_json::json!({ "integrationId": integration_id, "name": model.name,
        "targetHost": new.target_url.host_str(), "secretChanged": new.secret.is_some() });
    store::audit::record(&txn, actor, "automation.update", Some(id), details).await?;
    txn.commit().await?;
    state.known_integrations.forget(&integration_id).await;
    Ok(model)
}

pub async fn delete(state: &Automations, actor: &Actor, id: &str) -> Result<(), ApiError> {
    let txn = crate::store::begin_write(&state.db).await?;
    let current = rows::get(&txn, &actor.tenant_id, id).await?.ok_or(ApiError::not_found("automation"))?;
    rows::delete(&txn, &actor.tenant_id, id).await?;
    let details = serde_json::json!({ "integrationId": current.integration_id, "name": current.name });
    store::audit::record(&txn, actor, "automation.delete", Some(id), details).await?;
    txn.commit().await?;
    state.known_integrations.forget(&current.integration_id).await;
    Ok(())
}
