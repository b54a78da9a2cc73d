//! Moving service hooks off a person: a subscription created with a PAT belongs to the PAT's owner
//! and stops (`disabledByInactiveIdentity`) when that person loses access
//! (docs/azure-devops-wire.md §3.10). Once the integration acts as its app identity, each hook the
//! PAT created is created again with the app identity, then the PAT's copy is deleted, so delivery
//! never stops (for a moment both deliver; the webhook endpoint stores each event once). A hook
//! that cannot be moved keeps working under the PAT; calling again moves the rest.

use secrecy::SecretString;

use super::install::owner_of;
use super::subscriptions::{self as hooks, request_for};
use crate::azure::Credential;
use crate::error::ApiError;
use crate::integration_credential::Kind;
use crate::service_hooks::ServiceHooks;
use crate::store::service_hooks as store_hooks;
use crate::store::{self, audit::Actor, integrations as rows};
use entity::{integration, service_hook};

/// What a move did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rehomed {
    /// Hooks now owned by the app identity.
    pub moved: i32,
    /// Hooks still owned by the PAT (their re-creation failed).
    pub left: i32,
    /// Why the first of those failed.
    pub failure: Option<String>,
}

fn made_by_pat(h: &service_hook::Model) -> bool {
    h.created_with.as_deref() != Some(Kind::AppIdentity.column())
}

/// Re-creates under the app identity every hook of `m` its PAT created. Does nothing unless the
/// app identity acts for `m`.
pub async fn to_app_identity(state: &ServiceHooks, actor: &Actor, m: &integration::Model) -> Result<Rehomed, ApiError> {
    let pat_hooks: Vec<service_hook::Model> =
        store_hooks::list(&state.db, &m.id).await?.into_iter().filter(made_by_pat).collect();
    if pat_hooks.is_empty() {
        return Ok(Rehomed::default());
    }
    let t = hooks::target(state, m).await?;
    if t.kind != Kind::AppIdentity {
        return Ok(Rehomed { left: count(&pat_hooks), ..Rehomed::default() });
    }
    let password: SecretString = rows::open_webhook_password(&state.keyring, m).map_err(ApiError::internal)?;
    let pat = rows::open_pat(&state.keyring, m).map_err(ApiError::internal)?.map(Credential::from_secret);
    let mut moved = Vec::new();
    let mut out = Rehomed::default();
    for h in pat_hooks {
        if out.failure.is_some() {
            out.left += 1;
            continue;
        }
        let request = request_for(state, &h, &password);
        match state.azure.create_subscription(&t.base, t.api_version, &t.credential, &request).await {
            Ok(sub) => moved.push((h, sub)),
            Err(e) => {
                out.failure = Some(e.to_string());
                out.left += 1;
            }
        }
    }
    let txn = crate::store::begin_write(&state.db).await?;
    for (h, sub) in &moved {
        store_hooks::set_subscription(&txn, h.clone(), sub.id.clone(), owner_of(sub, Kind::AppIdentity)).await?;
    }
    out.moved = count(&moved);
    let details = serde_json::json!({ "moved": out.moved, "left": out.left });
    store::audit::record(&txn, actor, "service_hooks.move_to_app_identity", Some(&m.id), details).await?;
    txn.commit().await?;
    // The PAT's copies, once the rows point at the new ones: deleted with the PAT (its owner may
    // always), else with the app identity.
    let by = pat.as_ref().unwrap_or(&t.credential);
    for (h, _) in &moved {
        if let Err(error) = state.azure.delete_subscription(&t.base, t.api_version, by, &h.subscription_id).await {
            tracing::warn!(integration = %m.id, subscription = %h.subscription_id, %error,
                "the PAT's copy of a moved service hook could not be deleted; it delivers twice until removed");
        }
    }
    Ok(out)
}

fn count<T>(items: &[T]) -> i32 {
    i32::try_from(items.len()).unwrap_or(i32::MAX)
}
