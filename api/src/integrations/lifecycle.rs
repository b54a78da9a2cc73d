//! `verifyAzureDevOpsIntegration`, `rotateWebhookPassword`, `unlinkAzureDevOpsIntegration`.

use sea_orm::{IntoActiveModel, TransactionTrait};
use secrecy::SecretString;

use super::{credentials, status_for};
use crate::auth::Principal;
use crate::azure::verification::Verification;
use crate::azure::verify;
use crate::domain::WebhookPassword;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{self, audit::Actor, integrations as rows};

/// Verifies the stored credentials and records the outcome (HEALTHY / FAILING).
pub async fn verify_now(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    id: &str,
) -> Result<(entity::integration::Model, Verification), ApiError> {
    let current = rows::get(&state.db, &p.tenant_id, id).await?.ok_or(ApiError::not_found("integration"))?;
    let target = credentials::target_of(&state.keyring, &current)?;
    let v = verify::verify(&state.azure, &target).await;
    let json = serde_json::to_string(&v).map_err(ApiError::internal)?;
    let txn = state.db.begin().await?;
    // Re-read inside the transaction: the row may have been unlinked while Azure DevOps answered.
    let current = rows::get(&txn, &p.tenant_id, id).await?.ok_or(ApiError::not_found("integration"))?;
    let model = rows::set_verification(&txn, current, status_for(Some(&v)), json).await?;
    let details = serde_json::json!({ "ok": v.ok, "code": v.code.as_str() });
    store::audit::record(&txn, actor, "integration.verify", Some(id), details).await?;
    txn.commit().await?;
    Ok((model, v))
}

/// Sets a new webhook password (generated when not given; then returned once). The previous one
/// stays valid for `webhook_password_grace`, and every installed subscription gets the new one;
/// returns how many subscriptions were updated.
pub async fn rotate_webhook_password(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    id: &str,
    given: Option<SecretString>,
) -> Result<(entity::integration::Model, Option<SecretString>, i32), ApiError> {
    let given = given.as_ref().map(WebhookPassword::parse).transpose()?;
    let (password, generated) = match given {
        Some(pw) => (pw, false),
        None => (WebhookPassword::generate(), true),
    };
    let txn = state.db.begin().await?;
    let current = rows::get(&txn, &p.tenant_id, id).await?.ok_or(ApiError::not_found("integration"))?;
    let previous = rows::open_webhook_password(&state.keyring, &current).map_err(ApiError::internal)?;
    let grace = chrono::Duration::from_std(state.config.webhook_password_grace).unwrap_or(chrono::Duration::zero());
    store::webhook_passwords::set_grace_password(&txn, &state.keyring, id, &previous, chrono::Utc::now() + grace)
        .await?;
    let mut row = current.into_active_model();
    let secret = SecretString::from(password.expose().to_owned());
    rows::set_webhook_password(&mut row, &state.keyring, id, &secret);
    let model = rows::save(&txn, row).await?;
    let details = serde_json::json!({ "graceSeconds": grace.num_seconds() });
    store::audit::record(&txn, actor, "integration.rotate_webhook_password", Some(id), details).await?;
    txn.commit().await?;
    state.known_integrations.forget(id).await;
    let hooks = store::service_hooks::list(&state.db, id).await?;
    let updated = crate::service_hooks::subscriptions::update_password(state, &model, &hooks, &secret).await;
    Ok((model, generated.then_some(secret), updated))
}

/// Deletes the integration and every secret it holds; a tombstone keeps its id for 410 answers.
/// With `remove_service_hooks`, first deletes its subscriptions in Azure DevOps; returns how many.
pub async fn unlink(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    id: &str,
    remove_service_hooks: bool,
) -> Result<i32, ApiError> {
    let current = rows::get(&state.db, &p.tenant_id, id).await?.ok_or(ApiError::not_found("integration"))?;
    let hooks = store::service_hooks::list(&state.db, id).await?;
    let removed = if remove_service_hooks {
        crate::service_hooks::subscriptions::remove_all(state, &current, &hooks).await?
    } else {
        0
    };
    let txn = state.db.begin().await?;
    let current = rows::get(&txn, &p.tenant_id, id).await?.ok_or(ApiError::not_found("integration"))?;
    rows::delete(&txn, &p.tenant_id, id).await?;
    let details = serde_json::json!({
        "name": current.name, "organizationUrl": current.organization_url, "removedServiceHooks": removed,
    });
    store::audit::record(&txn, actor, "integration.unlink", Some(id), details).await?;
    txn.commit().await?;
    state.known_integrations.forget(id).await;
    Ok(removed)
}
