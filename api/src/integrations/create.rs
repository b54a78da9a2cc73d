//! `createAzureDevOpsIntegration`: parse, check idempotency and name, verify, then one transaction.

use sea_orm::TransactionTrait;
use secrecy::{ExposeSecret, SecretString};

use super::parse::{CreateInput, ParsedCreate, parse_create};
use super::{Outcome, credentials, idempotency, org_tenant, status_for};
use crate::auth::Principal;
use crate::azure::verify::{self, VerifyTarget};
use crate::domain::WebhookPassword;
use crate::error::{ApiError, is_unique_violation};
use crate::state::AppState;
use crate::store::{self, audit::Actor, integrations as rows};

pub async fn create(
    state: &AppState,
    p: &Principal,
    actor: &Actor,
    mut input: CreateInput,
) -> Result<Outcome, ApiError> {
    if let Some(fields) = input.oauth_app.as_mut() {
        org_tenant::fill_tenant(state, &input.organization_url, input.flavor, fields).await?;
    }
    let parsed = parse_create(&input, state.entra_authority(), state.config.allow_private_upstreams)?;
    let fingerprint = idempotency::fingerprint(&canonical(&parsed, &input));
    if let Some(key) = &input.idempotency_key {
        let key = check_key(key)?;
        if let Some(id) =
            idempotency::replay(&state.db, &p.tenant_id, idempotency::CREATE_INTEGRATION, key, &fingerprint).await?
        {
            let existing = rows::get(&state.db, &p.tenant_id, &id).await?;
            let verification = existing
                .as_ref()
                .and_then(|m| m.last_verification.as_deref())
                .and_then(|j| serde_json::from_str(j).ok());
            if existing.is_some() || !input.validate_only {
                return Ok(Outcome { integration: existing, webhook_password: None, verification });
            }
        }
    }
    if rows::name_taken(&state.db, &p.tenant_id, parsed.name.as_str(), None).await? {
        return Err(name_conflict(parsed.name.as_str()));
    }
    let verification = if input.verify { Some(verify::verify(&state.azure, &target(&parsed)).await) } else { None };
    if input.validate_only {
        return Ok(Outcome { integration: None, webhook_password: None, verification });
    }

    let (password, generated) = match parsed.webhook_password {
        Some(pw) => (pw, false),
        None => (WebhookPassword::generate(), true),
    };
    let id = store::new_id();
    let new = rows::NewIntegration {
        id: id.clone(),
        tenant_id: p.tenant_id.clone(),
        name: parsed.name.as_str().to_owned(),
        description: parsed.description.as_ref().map(|d| d.as_str().to_owned()),
        labels: parsed.labels.as_slice().to_vec(),
        is_default: parsed.is_default,
        flavor: parsed.org.flavor().as_str().to_owned(),
        organization_url: parsed.org.as_str().to_owned(),
        organization: parsed.org.organization().to_owned(),
        accessible_projects: parsed.projects.as_ref().map(|p| p.as_slice().to_vec()),
        pat: parsed.pat.as_ref().map(|t| (t.secret().clone(), t.hint())),
        oauth: parsed.oauth.as_ref().map(oauth_row),
        webhook_password: SecretString::from(password.expose().to_owned()),
        status: status_for(verification.as_ref()).to_owned(),
        last_verification: verification.as_ref().and_then(|v| serde_json::to_string(v).ok()),
    };
    let txn = state.db.begin().await?;
    let model = match rows::insert(&txn, &state.keyring, new).await {
        Ok(m) => m,
        Err(e) if is_unique_violation(&e) => return Err(name_conflict(parsed.name.as_str())),
        Err(e) => return Err(e.into()),
    };
    if model.is_default {
        rows::clear_default(&txn, &p.tenant_id, &id).await?;
    }
    if let Some(key) = &input.idempotency_key {
        idempotency::remember(&txn, &p.tenant_id, idempotency::CREATE_INTEGRATION, key.trim(), &fingerprint, &id)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    ApiError::Conflict {
                        message: "a request with this idempotencyKey is in progress".into(),
                        hint: None,
                    }
                } else {
                    e.into()
                }
            })?;
    }
    let details = serde_json::json!({
        "name": model.name, "organizationUrl": model.organization_url, "status": model.status,
    });
    store::audit::record(&txn, actor, "integration.create", Some(&id), details).await?;
    txn.commit().await?;
    Ok(Outcome {
        integration: Some(model),
        webhook_password: generated.then(|| SecretString::from(password.expose().to_owned())),
        verification,
    })
}

pub fn name_conflict(name: &str) -> ApiError {
    ApiError::Conflict {
        message: format!("an integration named {name:?} already exists in this tenant"),
        hint: Some("choose another name, or update the existing integration".into()),
    }
}

fn check_key(key: &str) -> Result<&str, ApiError> {
    let key = key.trim();
    if key.is_empty() || key.len() > 200 {
        return Err(ApiError::validation("idempotencyKey", "idempotencyKey must be 1 to 200 characters", None));
    }
    Ok(key)
}

pub fn oauth_row(app: &crate::domain::oauth_app::OAuthApp) -> rows::OAuthAppRow {
    rows::OAuthAppRow {
        tenant_id: app.tenant_id().to_owned(),
        issuer_url: app.issuer_url().to_string(),
        authorization_url: app.authorization_url().to_string(),
        token_url: app.token_url().to_string(),
        client_id: app.client_id().to_owned(),
        client_secret: app.client_secret().clone(),
        client_secret_hint: app.client_secret_hint(),
        scopes: app.scopes().to_vec(),
    }
}

fn target(parsed: &ParsedCreate) -> VerifyTarget {
    VerifyTarget {
        org_url: parsed.org.url().clone(),
        flavor: parsed.org.flavor(),
        pat: parsed.pat.as_ref().map(|t| t.secret().clone()),
        oauth: parsed.oauth.as_ref().map(credentials::oauth_credentials),
        accessible_projects: parsed.projects.as_ref().map(|p| p.as_slice().to_vec()),
    }
}

/// What makes two create requests "the same input": every parsed field, secrets as hashes.
fn canonical(parsed: &ParsedCreate, input: &CreateInput) -> serde_json::Value {
    use sha2::{Digest, Sha256};
    let h = |s: &SecretString| hex::encode(Sha256::digest(s.expose_secret().as_bytes()));
    serde_json::json!({
        "name": parsed.name.as_str(),
        "description": parsed.description.as_ref().map(|d| d.as_str()),
        "labels": parsed.labels.as_slice(),
        "isDefault": parsed.is_default,
        "organizationUrl": parsed.org.as_str(),
        "flavor": parsed.org.flavor().as_str(),
        "accessibleProjects": parsed.projects.as_ref().map(|p| p.as_slice()),
        "pat": parsed.pat.as_ref().map(|t| h(t.secret())),
        "oauth": parsed.oauth.as_ref().map(|a| serde_json::json!({
            "tenant": a.tenant_id(), "clientId": a.client_id(), "secret": h(a.client_secret()),
            "scopes": a.scopes(), "tokenUrl": a.token_url().as_str(),
        })),
        "webhookPassword": input.webhook_password.as_ref().map(h),
    })
}
