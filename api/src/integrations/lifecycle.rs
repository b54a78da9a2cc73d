//! `verifyAzureDevOpsIntegration`, `rotateWebhookPassword`, `unlinkAzureDevOpsIntegration`.

use secrecy::{ExposeSecret, SecretString};

use super::{credentials, secret_versions, webhook_password};
use crate::auth::Principal;
use crate::azure::verification::Verification;
use crate::azure::verify;
use crate::domain::WebhookPassword;
use crate::domain::integration::Status;
use crate::error::ApiError;
use crate::integrations::Integrations;
use crate::service_hooks::password::Pushed;
use crate::store::{self, audit::Actor, integrations as rows};

/// Verifies the stored credentials and records the outcome (HEALTHY / FAILING).
pub async fn verify_now(
    state: &Integrations,
    p: &Principal,
    actor: &Actor,
    id: &str,
) -> Result<(entity::integration::Model, Verification), ApiError> {
    let current = rows::get(&state.db, &p.tenant_id, id).await?.ok_or(ApiError::not_found("integration"))?;
    let target = credentials::target_of(&state.keyring, &state.azure, &current)?;
    let v = verify::verify(&state.azure, &target).await;
    let json = serde_json::to_string(&v).map_err(ApiError::internal)?;
    let txn = crate::store::begin_write(&state.db).await?;
    // Re-read inside the transaction: the row may have been unlinked while Azure DevOps answered.
    let current = rows::get(&txn, &p.tenant_id, id).await?.ok_or(ApiError::not_found("integration"))?;
    let model = rows::set_verification(&txn, current, Status::of(Some(v.ok)), json).await?;
    let details = serde_json::json!({ "ok": v.ok, "code": v.code.as_str() });
    store::audit::record(&txn, actor, "integration.verify", Some(id), details).await?;
    txn.commit().await?;
    Ok((model, v))
}

/// Sets a new webhook password (generated when not given; then returned once). The previous one
/// stays valid for `webhook_password_grace`, and every installed subscription gets the new one;
/// says which subscriptions took it. `version` is the input's `secretVersion`: the stored version
/// with the stored password changes nothing (no hook is touched, `None` for what they did).
pub async fn rotate_webhook_password(
    state: &Integrations,
    p: &Principal,
    actor: &Actor,
    id: &str,
    given: Option<WebhookPassword>,
    version: Option<i32>,
) -> Result<(entity::integration::Model, Option<SecretString>, Option<Pushed>), ApiError> {
    let (password, generated) = match given {
        Some(pw) => (pw, false),
        None => (WebhookPassword::generate(), true),
    };
    let txn = crate::store::begin_write(&state.db).await?;
    let current = rows::get(&txn, &p.tenant_id, id).await?.ok_or(ApiError::not_found("integration"))?;
    let Some(version) = secret_versions::for_rotation(&state.keyring, &current, version, password.secret())? else {
        return Ok((current, None, None));
    };
    let grace_seconds = webhook_password::keep_previous(&txn, state, &current).await?;
    let model = rows::replace_webhook_password(&txn, &state.keyring, current, &password, version).await?;
    let details = serde_json::json!({ "graceSeconds": grace_seconds, "version": version });
    store::audit::record(&txn, actor, "integration.rotate_webhook_password", Some(id), details).await?;
    txn.commit().await?;
    let pushed = webhook_password::announce(state, &model, &password).await?;
    Ok((model, generated.then(|| password.secret().clone()), Some(pushed)))
}

/// Deletes the integration and every secret it holds; a tombstone keeps its id for 410 answers.
/// With `remove_service_hooks`, first deletes its subscriptions in Azure DevOps; returns how many.
pub async fn unlink(
    state: &Integrations,
    p: &Principal,
    actor: &Actor,
    id: &str,
    remove_service_hooks: bool,
) -> Result<i32, ApiError> {
    let current = rows::get(&state.db, &p.tenant_id, id).await?.ok_or(ApiError::not_found("integration"))?;
    let hooks = store::service_hooks::list(&state.db, id).await?;
    let removed = if remove_service_hooks {
        crate::service_hooks::subscriptions::remove_all(&state.service_hooks, &current, &hooks).await?
    } else {
        0
    };
    let txn = crate::store::begin_write(&state.db).await?;
    let current = rows::get(&txn, &p.tenant_id, id).await?.ok_or(ApiError::not_found("integration"))?;
    let fingerprints = accepted_password_fingerprints(state, &txn, &current).await?;
    rows::delete(&txn, &p.tenant_id, id, &fingerprints).await?;
    let details = serde_json::json!({
        "name": current.name, "organizationUrl": current.organization_url, "removedServiceHooks": removed,
    });
    store::audit::record(&txn, actor, "integration.unlink", Some(id), details).await?;
    txn.commit().await?;
    state.known_integrations.forget(id).await;
    Ok(removed)
}

/// Keyed fingerprints of the webhook passwords `m` accepts now (the current one, and the previous
/// one within its grace window), for its tombstone.
async fn accepted_password_fingerprints(
    state: &Integrations,
    db: &impl sea_orm::ConnectionTrait,
    m: &entity::integration::Model,
) -> Result<Vec<String>, ApiError> {
    let purpose = crate::crypto::mac::Purpose::UnlinkedWebhookPassword;
    let current = rows::open_webhook_password(&state.keyring, m).map_err(ApiError::internal)?;
    let mut out = vec![state.keyring.fingerprint(purpose, current.expose_secret().as_bytes())];
    let grace = store::webhook_passwords::grace_password(db, &state.keyring, &m.id, chrono::Utc::now()).await?;
    if let Some(Ok((previous, _))) = grace {
        out.push(state.keyring.fingerprint(purpose, previous.expose_secret().as_bytes()));
    }
    Ok(out)
}
