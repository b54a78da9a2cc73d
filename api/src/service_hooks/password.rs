//! Putting a new webhook password on the installed subscriptions, and retrying those that could
//! not take it until they do: a subscription left with an old password gets 401s once the grace
//! window closes, and Azure DevOps then puts it on probation and disables it.

use std::collections::BTreeMap;
use std::time::Duration;

use entity::{integration, service_hook};
use secrecy::SecretString;
use tokio::sync::watch;

use super::ServiceHooks;
use super::subscriptions::{Live, live_states, request_for, target};
use crate::error::ApiError;
use crate::store::{integrations as rows, service_hooks as store_hooks};

/// How many pending hooks one retry round takes.
const RETRY_BATCH: u64 = 200;

/// What a password push did.
#[derive(Debug, Default)]
pub struct Pushed {
    /// Subscriptions that now hold the new password.
    pub updated: i32,
    /// How many could not be updated: they are retried until they are.
    pub pending: usize,
    /// One line per subscription that could not be updated.
    pub warnings: Vec<String>,
}

/// Puts `password` on every hook in `hooks` that Azure DevOps still has, keeping its status. A hook
/// that cannot be updated is marked pending (retried later), one that took it is cleared; a
/// subscription Azure DevOps no longer has is left to `repairServiceHooks`.
pub async fn push(
    state: &ServiceHooks,
    m: &integration::Model,
    hooks: &[service_hook::Model],
    password: &SecretString,
) -> Pushed {
    let mut out = Pushed::default();
    if hooks.is_empty() {
        return out;
    }
    let (mut done, mut failed) = (Vec::new(), Vec::new());
    match target(state, m).await {
        Err(e) => {
            let why = match e {
                ApiError::NotAuthorizedUpstream { .. } => {
                    "the integration has no personal access token to manage hooks with"
                }
                other => other.code(),
            };
            for h in hooks {
                failed.push(h.id.as_str());
                out.warnings.push(format!("service hook {}: not updated ({why})", h.subscription_id));
            }
        }
        Ok(t) => {
            for (h, live) in hooks.iter().zip(live_states(state, &t, hooks).await) {
                let status = match live {
                    Live::Present(status) => status,
                    Live::Missing => {
                        done.push(h.id.as_str());
                        continue;
                    }
                    Live::Unknown(why) => {
                        failed.push(h.id.as_str());
                        out.warnings.push(format!("service hook {}: not updated ({why})", h.subscription_id));
                        continue;
                    }
                };
                let mut req = request_for(state, h, password);
                req.status = Some(status);
                let put =
                    state.azure.replace_subscription(&t.base, t.api_version, &t.credential, &h.subscription_id, &req);
                match put.await {
                    Ok(_) => {
                        out.updated += 1;
                        done.push(h.id.as_str());
                    }
                    Err(e) => {
                        tracing::warn!(subscription = %h.subscription_id, error = %e, "could not update the hook password");
                        failed.push(h.id.as_str());
                        out.warnings.push(format!("service hook {}: not updated ({e})", h.subscription_id));
                    }
                }
            }
        }
    }
    out.pending = failed.len();
    if !out.warnings.is_empty() {
        out.warnings.push("the server retries these until Azure DevOps takes the new password".to_owned());
    }
    let marked = async {
        store_hooks::set_password_pending(&state.db, &failed, true).await?;
        store_hooks::set_password_pending(&state.db, &done, false).await
    };
    if let Err(e) = marked.await {
        tracing::error!(error = %e, "could not record which hooks still need the new password");
    }
    out
}

/// One retry round: every pending hook gets its integration's current password. Returns how many
/// still wait.
pub async fn retry_pending(state: &ServiceHooks) -> Result<usize, sea_orm::DbErr> {
    let pending = store_hooks::password_pending(&state.db, RETRY_BATCH).await?;
    let mut by_integration: BTreeMap<(String, String), Vec<service_hook::Model>> = BTreeMap::new();
    for h in pending {
        by_integration.entry((h.tenant_id.clone(), h.integration_id.clone())).or_default().push(h);
    }
    let mut waiting = 0;
    for ((tenant_id, integration_id), hooks) in by_integration {
        let Some(m) = rows::get(&state.db, &tenant_id, &integration_id).await? else { continue };
        let password = match rows::open_webhook_password(&state.keyring, &m) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(integration = %m.id, error = %e, "webhook password does not open");
                waiting += hooks.len();
                continue;
            }
        };
        let pushed = push(state, &m, &hooks, &password).await;
        waiting += pushed.pending;
    }
    Ok(waiting)
}

/// Retries pending password updates every `every` until `stop` turns true.
pub fn spawn(state: ServiceHooks, every: Duration, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while crate::periodic::tick(&mut stop, every).await {
            if let Err(e) = retry_pending(&state).await {
                tracing::warn!(error = %e, "service hook password retry round failed");
            }
        }
    })
}
