//! `updateAzureDevOpsIntegration`: change any field but flavor and organization URL, re-verify, one transaction.

use super::create::name_conflict;
use super::policy::{check_credentials, check_upstream};
use super::{Outcome, credentials, org_tenant, secret_versions, webhook_password};
use crate::auth::Principal;
use crate::azure::verify;
use crate::domain::flavor::Flavor;
use crate::domain::integration::{IntegrationChanges, Patch, Status};
use crate::domain::user_authorization_methods::{UserAuthorizationMethod, UserAuthorizationMethods};
use crate::domain::{OAuthApp, OrganizationUrl};
use crate::error::{ApiError, is_unique_violation};
use crate::integrations::Integrations;
use crate::store::{self, audit::Actor, integrations as rows, user_authorizations as auths};

/// How the update runs (not part of the integration).
pub struct Options {
    /// Verify the resulting credentials against Azure DevOps before storing.
    pub verify: bool,
    /// Check everything, store nothing.
    pub validate_only: bool,
}

pub async fn update(
    state: &Integrations,
    p: &Principal,
    actor: &Actor,
    id: &str,
    mut changes: IntegrationChanges,
    options: Options,
) -> Result<Outcome, ApiError> {
    let current = rows::get(&state.db, &p.tenant_id, id).await?.ok_or(ApiError::not_found("integration"))?;
    let stamps = secret_versions::for_update(&state.keyring, &current, &mut changes)?;
    let flavor = Flavor::parse(&current.flavor).unwrap_or(Flavor::Services);
    let org = OrganizationUrl::parse(&current.organization_url, Some(flavor))?;
    check_upstream(&org, state.config.allow_private_upstreams)?;
    let oauth = match &changes.oauth_app {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(fields) => Some(Some(org_tenant::oauth_app(state, &org, fields.clone()).await?)),
    };
    let app_tenant = match &changes.app_identity {
        Patch::Set(identity) => Some(org_tenant::app_identity_tenant(state, &org, identity).await?),
        _ => None,
    };
    let app_identity: Option<Option<rows::SettledAppIdentity<'_>>> = match &changes.app_identity {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(identity) => {
            app_tenant.as_deref().map(|tenant_id| Some(rows::SettledAppIdentity { identity, tenant_id }))
        }
    };
    let has_app_identity = app_identity.as_ref().map_or(current.app_client_id.is_some(), Option::is_some);
    let pat = changes.pat.clone().into_change();
    let has_pat = pat.as_ref().map_or(current.pat_sealed.is_some(), Option::is_some);
    let has_oauth = oauth.as_ref().map_or(current.oauth_client_secret_sealed.is_some(), Option::is_some);
    check_credentials(&org, has_pat, has_oauth, has_app_identity)?;
    if let Patch::Set(methods) = changes.user_authorization_methods {
        methods.check(has_oauth)?;
    }
    if let Some(n) = &changes.name
        && rows::name_taken(&state.db, &p.tenant_id, n.as_str(), Some(&current.id)).await?
    {
        return Err(name_conflict(n.as_str()));
    }

    let verification = if options.verify {
        let mut target = credentials::target_of(&state.keyring, &state.azure, &current)?;
        if let Some(settled) = &app_identity {
            target.app_identity = settled
                .map(|s| {
                    credentials::app_identity_credentials(
                        &state.azure,
                        &state.keyring,
                        &current.id,
                        s.identity,
                        s.tenant_id,
                    )
                })
                .transpose()?;
        }
        if let Some(pat) = &pat {
            target.pat = pat.as_ref().map(|t| t.secret().clone());
        }
        if let Some(app) = &oauth {
            target.oauth = app.as_ref().map(credentials::oauth_credentials);
        }
        Some(verify::verify(&state.azure, &target).await)
    } else {
        None
    };
    if options.validate_only {
        return Ok(Outcome { verification, ..Outcome::default() });
    }

    let id = current.id.clone();
    let app_replaced = oauth.as_ref().is_some_and(|new| !same_app(&current, new.as_ref()));
    let update = rows::Update {
        changes: &changes,
        oauth: oauth.as_ref().map(Option::as_ref),
        app_identity,
        acting_credential: acting_after(&current, &changes.app_identity, has_pat),
        verification: verification
            .as_ref()
            .and_then(|v| Some((Status::of(Some(v.ok)), serde_json::to_string(v).ok()?))),
        stamps,
    };
    let before = rows::user_authorization_methods(&current);
    let txn = crate::store::begin_write(&state.db).await?;
    let grace_seconds = match &changes.webhook_password {
        Some(_) => Some(webhook_password::keep_previous(&txn, state, &current).await?),
        None => None,
    };
    let model = match rows::update(&txn, &state.keyring, current, update).await {
        Ok(m) => m,
        Err(e) if is_unique_violation(&e) => {
            return Err(name_conflict(changes.name.as_ref().map(|n| n.as_str()).unwrap_or_default()));
        }
        Err(e) => return Err(e.into()),
    };
    if model.is_default {
        rows::clear_default(&txn, &p.tenant_id, &id).await?;
    }
    let expired = expire_what_changed(&txn, &id, (&before, &model), app_replaced).await?;
    let changed: Vec<&str> = [
        ("name", changes.name.is_some()),
        ("labels", changes.labels.is_some()),
        ("personalAccessToken", pat.is_some()),
        ("oauthApp", oauth.is_some()),
        ("appIdentity", !changes.app_identity.is_kept()),
        ("webhookPassword", changes.webhook_password.is_some()),
        ("userAuthorizationMethods", !changes.user_authorization_methods.is_kept()),
    ]
    .into_iter()
    .filter_map(|(f, c)| c.then_some(f))
    .collect();
    let details = serde_json::json!({
        "changed": changed, "graceSeconds": grace_seconds, "expiredUserAuthorizations": expired,
    });
    store::audit::record(&txn, actor, "integration.update", Some(&id), details).await?;
    txn.commit().await?;
    let service_hooks = match &changes.webhook_password {
        Some(password) => Some(webhook_password::announce(state, &model, password).await?),
        None => None,
    };
    Ok(Outcome {
        integration: Some(model),
        verification,
        service_hooks,
        expired_user_authorizations: expired,
        ..Outcome::default()
    })
}

/// A first app identity added beside a PAT does not act yet: the PAT keeps acting until
/// `migrateIntegrationCredential` verifies the app identity and switches. Removing the app
/// identity clears the choice.
fn acting_after(
    current: &entity::integration::Model,
    app_identity: &Patch<crate::domain::app_identity::AppIdentity>,
    has_pat: bool,
) -> Option<Option<&'static str>> {
    match app_identity {
        Patch::Set(_) if current.app_client_id.is_none() && has_pat => Some(Some(rows::ACTING_PAT)),
        Patch::Clear => Some(None),
        _ => None,
    }
}

/// Expires the users' authorizations the update made unusable: OAuth grants made under another
/// app (or none), which would refresh against the new token endpoint, and grants of every method
/// no longer allowed. Returns how many.
async fn expire_what_changed(
    txn: &impl sea_orm::ConnectionTrait,
    id: &str,
    (before, after): (&UserAuthorizationMethods, &entity::integration::Model),
    app_replaced: bool,
) -> Result<u64, sea_orm::DbErr> {
    let mut dropped = before.dropped_by(rows::user_authorization_methods(after));
    if app_replaced && !dropped.contains(&UserAuthorizationMethod::OAuth) {
        dropped.push(UserAuthorizationMethod::OAuth);
    }
    let mut expired = 0;
    for method in dropped {
        expired += auths::expire_by_method(txn, id, method.as_str()).await?;
    }
    Ok(expired)
}

/// Whether `new` is the app `current` holds: same client, tenant and endpoints (a new client
/// secret alone keeps the users' grants).
fn same_app(current: &entity::integration::Model, new: Option<&OAuthApp>) -> bool {
    match new {
        None => current.oauth_client_id.is_none(),
        Some(app) => {
            current.oauth_client_id.as_deref() == Some(app.client_id())
                && current.oauth_tenant_id.as_deref() == Some(app.tenant_id())
                && current.oauth_authorization_url.as_deref() == Some(app.authorization_url().as_str())
                && current.oauth_token_url.as_deref() == Some(app.token_url().as_str())
        }
    }
}
