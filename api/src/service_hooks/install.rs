//! `installServiceHooks` and `repairServiceHooks`.

use super::subscriptions::{self as hooks, Live, request_for, upstream_error};
use super::target;
use crate::azure::AzureError;
use crate::azure::hooks::{Subscription, SubscriptionRequest};
use crate::domain::service_hook::EventKind;
use crate::error::{ApiError, Call, from_azure};
use crate::integration_credential::Kind;
use crate::service_hooks::ServiceHooks;
use crate::store::service_hooks::{self as store_hooks, NewHook, Owner};
use crate::store::{self, audit::Actor, integrations as rows};
use entity::service_hook;

/// Creates one subscription per event (default: every subscribable event) on `project`
/// (and `repository`), skipping those already installed; returns the project's hooks with their state.
pub async fn install(
    state: &ServiceHooks,
    actor: &Actor,
    integration_id: &str,
    project: &str,
    repository: Option<&str>,
    events: Option<Vec<EventKind>>,
) -> Result<(Vec<(service_hook::Model, Live)>, Kind), ApiError> {
    let m = rows::get(&state.db, &actor.tenant_id, integration_id).await?.ok_or(ApiError::not_found("integration"))?;
    check_public_url(state).await?;
    let t = hooks::target(state, &m).await?;
    let password = rows::open_webhook_password(&state.keyring, &m).map_err(ApiError::internal)?;
    let found = state.azure.get_project(&t.base, t.api_version, &t.credential, project).await;
    let project =
        found.map_err(|e| not_found_as_validation(e, "project", "no such project, or the PAT cannot see it"))?;
    let repo = match repository {
        Some(r) => Some(
            state
                .azure
                .get_repository(&t.base, t.api_version, &t.credential, &project.id, r)
                .await
                .map_err(|e| not_found_as_validation(e, "repository", "no such repository in this project"))?,
        ),
        None => None,
    };
    let mut kinds = events.unwrap_or_else(|| EventKind::SUBSCRIBABLE.to_vec());
    kinds.retain(|k| *k != EventKind::Other);
    kinds.dedup();
    let existing = store_hooks::list(&state.db, &m.id).await?;
    let repo_id = repo.as_ref().map(|r| r.id.clone());
    let same_scope = |h: &service_hook::Model| h.project_id == project.id && h.repository_id == repo_id;
    let mut created = Vec::new();
    let mut failure = None;
    for kind in kinds {
        let Some(event_type) = kind.event_type() else { continue };
        if existing.iter().any(|h| same_scope(h) && h.event_type == event_type) {
            continue;
        }
        let endpoint = state.webhook_endpoint(&m.id);
        let req = SubscriptionRequest::webhook(
            event_type,
            kind.resource_version(),
            &project.id,
            repo_id.as_deref(),
            &endpoint,
            secrecy::ExposeSecret::expose_secret(&password),
        );
        match state.azure.create_subscription(&t.base, t.api_version, &t.credential, &req).await {
            Ok(sub) => created.push((event_type, sub)),
            // Keep what was created (a retry skips it), then report the failure.
            Err(e) => {
                failure = Some(upstream_error(e));
                break;
            }
        }
    }
    let txn = crate::store::begin_write(&state.db).await?;
    let mut rows_out = Vec::new();
    for (event_type, sub) in &created {
        let row = store_hooks::insert(
            &txn,
            NewHook {
                tenant_id: &m.tenant_id,
                integration_id: &m.id,
                subscription_id: sub.id.clone(),
                event_type,
                project_id: &project.id,
                project: &project.name,
                repository_id: repo_id.as_deref(),
                repository: repo.as_ref().map(|r| r.name.as_str()),
                owner: owner_of(sub, t.kind),
            },
        )
        .await?;
        rows_out.push(row);
    }
    let details = serde_json::json!({
        "project": project.name, "repository": repo.as_ref().map(|r| r.name.clone()),
        "created": created.iter().map(|(e, _)| *e).collect::<Vec<_>>(),
    });
    store::audit::record(&txn, actor, "service_hooks.install", Some(&m.id), details).await?;
    txn.commit().await?;
    if let Some(e) = failure {
        return Err(e);
    }
    let mut out: Vec<(service_hook::Model, Live)> =
        existing.into_iter().filter(|h| same_scope(h)).map(|h| (h, Live::Present("enabled".into()))).collect();
    let live = hooks::live_states(state, &t, &out.iter().map(|(h, _)| h.clone()).collect::<Vec<_>>()).await;
    for ((_, l), now) in out.iter_mut().zip(live) {
        *l = now;
    }
    out.extend(rows_out.into_iter().map(|h| (h, Live::Present("enabled".into()))));
    Ok((out, t.kind))
}

/// Who owns `sub`: its `createdBy`, made with the integration's `kind` of credential.
pub fn owner_of(sub: &Subscription, kind: Kind) -> Owner {
    let created_by = sub.created_by.as_ref().map(|who| who.name()).filter(|n| !n.is_empty());
    Owner { created_by, created_with: kind.column() }
}

/// Azure DevOps delivers only to a public HTTPS endpoint: refuse before asking it to.
async fn check_public_url(state: &ServiceHooks) -> Result<(), ApiError> {
    let public = url::Url::parse(&state.public_url).map_err(ApiError::internal)?;
    Ok(target::check(&public, state.allow_private_upstreams).await?)
}

fn not_found_as_validation(e: AzureError, field: &'static str, message: &'static str) -> ApiError {
    from_azure(&e, Call::HookInput { field, message })
}

/// Re-creates missing subscriptions and those Azure DevOps disabled for good (by the system, or
/// for an inactive owner: deleted first), re-enables the rest of the disabled ones; returns
/// every hook with its state after the repair, and how many were repaired.
pub async fn repair(
    state: &ServiceHooks,
    actor: &Actor,
    integration_id: &str,
    reown: bool,
) -> Result<(Vec<(service_hook::Model, Live)>, i32, Kind), ApiError> {
    let m = rows::get(&state.db, &actor.tenant_id, integration_id).await?.ok_or(ApiError::not_found("integration"))?;
    check_public_url(state).await?;
    let t = hooks::target(state, &m).await?;
    if reown && t.kind != Kind::AppIdentity {
        return Err(ApiError::validation(
            "reown",
            "re-owning hooks needs an app identity acting for the integration",
            Some(
                "set appIdentity on the integration (or migrateIntegrationCredential to APP_IDENTITY), then repair with reown",
            ),
        ));
    }
    let password = rows::open_webhook_password(&state.keyring, &m).map_err(ApiError::internal)?;
    let installed = store_hooks::list(&state.db, &m.id).await?;
    let live = hooks::live_states(state, &t, &installed).await;
    let mut out = Vec::new();
    let mut recreated = Vec::new();
    let mut repaired = 0;
    // Re-created subscriptions are recorded even when a later call fails, so no repair duplicates them.
    let mut failure = None;
    for (h, l) in installed.into_iter().zip(live) {
        let mut req = request_for(state, &h, &password);
        match &l {
            _ if failure.is_some() => out.push((h, l)),
            // Missing, or disabled in a way an update does not revive (docs/azure-devops-wire.md
            // §3.10), or to be re-owned: (delete and) create anew.
            Live::Missing | Live::Present(_)
                if matches!(l, Live::Missing)
                    || l.needs_recreating()
                    || (reown && hooks::person_owned(&h, Some(t.kind))) =>
            {
                let gone = match &l {
                    Live::Missing => Ok(()),
                    _ => {
                        state.azure.delete_subscription(&t.base, t.api_version, &t.credential, &h.subscription_id).await
                    }
                };
                let recreate = match gone {
                    Ok(()) | Err(AzureError::NotFound { .. }) => {
                        state.azure.create_subscription(&t.base, t.api_version, &t.credential, &req).await
                    }
                    Err(e) => Err(e),
                };
                match recreate {
                    Ok(sub) => {
                        recreated.push((h, sub));
                        repaired += 1;
                    }
                    Err(e) => {
                        failure = Some(upstream_error(e));
                        out.push((h, l));
                    }
                }
            }
            Live::Present(_) if l.needs_repair() => {
                req.status = Some("enabled".into());
                let put =
                    state.azure.replace_subscription(&t.base, t.api_version, &t.credential, &h.subscription_id, &req);
                match put.await {
                    Ok(sub) => {
                        out.push((h, Live::Present(sub.status.unwrap_or_else(|| "enabled".into()))));
                        repaired += 1;
                    }
                    Err(e) => {
                        failure = Some(upstream_error(e));
                        out.push((h, l));
                    }
                }
            }
            _ => out.push((h, l)),
        }
    }
    let txn = crate::store::begin_write(&state.db).await?;
    for (h, sub) in recreated {
        let owner = owner_of(&sub, t.kind);
        out.push((store_hooks::set_subscription(&txn, h, sub.id, owner).await?, Live::Present("enabled".into())));
    }
    let details = serde_json::json!({ "repaired": repaired, "reown": reown });
    store::audit::record(&txn, actor, "service_hooks.repair", Some(&m.id), details).await?;
    txn.commit().await?;
    if let Some(e) = failure {
        return Err(e);
    }
    out.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    Ok((out, repaired, t.kind))
}
