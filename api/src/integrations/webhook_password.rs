//! A webhook password change, whether by `rotateWebhookPassword` or `updateAzureDevOpsIntegration`:
//! the previous password stays accepted for the grace window, the route forgets its kept copy,
//! and every installed subscription gets the new one (those that cannot are retried).

use sea_orm::ConnectionTrait;

use crate::domain::WebhookPassword;
use crate::error::ApiError;
use crate::integrations::Integrations;
use crate::service_hooks::password::{self, Pushed};
use crate::store::{self, integrations as rows};

/// Keeps `current`'s password as the grace password; call in the transaction that writes the new
/// one. Returns the grace window in seconds.
pub async fn keep_previous(
    txn: &impl ConnectionTrait,
    state: &Integrations,
    current: &entity::integration::Model,
) -> Result<i64, ApiError> {
    let previous = rows::open_webhook_password(&state.keyring, current).map_err(ApiError::internal)?;
    let grace = chrono::Duration::from_std(state.config.webhook_password_grace).unwrap_or(chrono::Duration::zero());
    let until = chrono::Utc::now() + grace;
    store::webhook_passwords::set_grace_password(txn, &state.keyring, &current.id, &previous, until).await?;
    Ok(grace.num_seconds())
}

/// After the commit: the route forgets its kept copy, and the installed subscriptions get `password`.
pub async fn announce(
    state: &Integrations,
    model: &entity::integration::Model,
    password: &WebhookPassword,
) -> Result<Pushed, ApiError> {
    state.known_integrations.forget(&model.id).await;
    let hooks = store::service_hooks::list(&state.db, &model.id).await?;
    Ok(password::push(&state.service_hooks, model, &hooks, password.secret()).await)
}
