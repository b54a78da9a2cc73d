//! `updateAzureDevOpsIntegration`: change any field but flavor and organization URL, re-verify, one transaction.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, IntoActiveModel, TransactionTrait};
use secrecy::SecretString;

use super::create::{name_conflict, oauth_row};
use super::parse::{check_credentials, check_upstream};
use super::{Outcome, credentials, status_for};
use crate::auth::Principal;
use crate::azure::verify;
use crate::domain::flavor::Flavor;
use crate::domain::oauth_app::{OAuthApp, OAuthAppFields};
use crate::domain::{
    Description, IntegrationName, Labels, OrganizationUrl, PersonalAccessToken, ProjectNames, WebhookPassword,
};
use crate::error::{ApiError, is_unique_violation};
use crate::state::AppState;
use crate::store::{self, audit::Actor, integrations as rows};

/// A field of an update: left alone, cleared (explicit null), or set.
pub enum Patch<T> {
    Keep,
    Clear,
    Set(T),
}

pub struct UpdateInput {
    pub id: String,
    pub name: Option<String>,
    pub description: Patch<String>,
    pub labels: Option<Vec<String>>,
    pub is_default: Option<bool>,
    pub accessible_projects: Patch<Vec<String>>,
    pub personal_access_token: Patch<SecretString>,
    pub oauth_app: Patch<OAuthAppFields>,
    pub webhook_password: Option<SecretString>,
    pub verify: bool,
    pub validate_only: bool,
}

pub async fn update(state: &AppState, p: &Principal, actor: &Actor, input: UpdateInput) -> Result<Outcome, ApiError> {
    let current = rows::get(&state.db, &p.tenant_id, &input.id).await?.ok_or(ApiError::not_found("integration"))?;
    let flavor = Flavor::parse(&current.flavor).unwrap_or(Flavor::Services);
    let org = OrganizationUrl::parse(&current.organization_url, Some(flavor))?;
    check_upstream(&org, state.config.allow_private_upstreams)?;

    let name = input.name.as_deref().map(IntegrationName::parse).transpose()?;
    let description = match &input.description {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(d) => Some(Description::parse(d)?),
    };
    let labels = input.labels.as_deref().map(Labels::parse).transpose()?;
    let projects = match &input.accessible_projects {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(list) => Some(Some(ProjectNames::parse(list)?)),
    };
    let pat = match &input.personal_access_token {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(t) => Some(Some(PersonalAccessToken::parse(t)?)),
    };
    let oauth = match &input.oauth_app {
        Patch::Keep => None,
        Patch::Clear => Some(None),
        Patch::Set(f) => {
            let mut fields = f.clone();
            super::org_tenant::fill_tenant(state, &current.organization_url, Some(flavor), &mut fields).await?;
            Some(Some(OAuthApp::parse(fields, state.entra_authority())?))
        }
    };
    let webhook_password = input.webhook_password.as_ref().map(WebhookPassword::parse).transpose()?;
    let has_pat = pat.as_ref().map_or(current.pat_sealed.is_some(), Option::is_some);
    let has_oauth = oauth.as_ref().map_or(current.oauth_client_secret_sealed.is_some(), Option::is_some);
    check_credentials(&org, has_pat, has_oauth)?;
    if let Some(n) = &name
        && rows::name_taken(&state.db, &p.tenant_id, n.as_str(), Some(&current.id)).await?
    {
        return Err(name_conflict(n.as_str()));
    }

    let verification = if input.verify {
        let mut target = credentials::target_of(&state.keyring, &current)?;
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
    if input.validate_only {
        return Ok(Outcome { integration: None, webhook_password: None, verification });
    }

    let id = current.id.clone();
    let now = Utc::now();
    let mut row = current.into_active_model();
    if let Some(n) = &name {
        row.name = Set(n.as_str().to_owned());
        row.name_key = Set(n.as_str().to_lowercase());
    }
    if let Some(d) = description {
        row.description = Set(d.map(|d| d.as_str().to_owned()));
    }
    if let Some(l) = &labels {
        row.labels = Set(serde_json::to_string(l.as_slice()).unwrap_or_else(|_| "[]".into()));
    }
    if let Some(d) = input.is_default {
        row.is_default = Set(d);
    }
    if let Some(pr) = projects {
        row.accessible_projects = Set(pr.map(|p| serde_json::to_string(p.as_slice()).unwrap_or_else(|_| "[]".into())));
    }
    if let Some(pat) = &pat {
        let hint = pat.as_ref().map(|t| t.hint());
        rows::set_pat(
            &mut row,
            &state.keyring,
            &id,
            pat.as_ref().zip(hint.as_ref()).map(|(t, h)| (t.secret(), h)),
            now,
        );
    }
    if let Some(app) = &oauth {
        rows::set_oauth(&mut row, &state.keyring, &id, app.as_ref().map(oauth_row).as_ref(), now);
    }
    if let Some(pw) = &webhook_password {
        rows::set_webhook_password(&mut row, &state.keyring, &id, &SecretString::from(pw.expose().to_owned()));
    }
    if let Some(v) = &verification {
        row.status = Set(status_for(Some(v)).to_owned());
        row.last_verification = Set(serde_json::to_string(v).ok());
    }
    let txn = state.db.begin().await?;
    let model = match rows::save(&txn, row).await {
        Ok(m) => m,
        Err(e) if is_unique_violation(&e) => {
            return Err(name_conflict(name.as_ref().map(|n| n.as_str()).unwrap_or_default()));
        }
        Err(e) => return Err(e.into()),
    };
    if model.is_default {
        rows::clear_default(&txn, &p.tenant_id, &id).await?;
    }
    let changed: Vec<&str> = [
        ("name", name.is_some()),
        ("labels", labels.is_some()),
        ("personalAccessToken", pat.is_some()),
        ("oauthApp", oauth.is_some()),
        ("webhookPassword", webhook_password.is_some()),
    ]
    .into_iter()
    .filter_map(|(f, c)| c.then_some(f))
    .collect();
    store::audit::record(&txn, actor, "integration.update", Some(&id), serde_json::json!({ "changed": changed }))
        .await?;
    txn.commit().await?;
    if webhook_password.is_some() {
        state.known_integrations.forget(&id).await;
    }
    Ok(Outcome { integration: Some(model), webhook_password: None, verification })
}
