//! `createAzureDevOpsIntegration`: parse, check idempotency and name, verify, then one transaction.

use secrecy::{ExposeSecret, SecretString};

use super::policy::{check_credentials, check_upstream};
use super::{Outcome, credentials, idempotency, org_tenant, secret_versions};
use crate::auth::Principal;
use crate::azure::verify::{self, VerifyTarget};
use crate::domain::app_identity::Proof;
use crate::domain::integration::{NewIntegration, Status};
use crate::domain::secret_version::SecretVersions;
use crate::domain::{OAuthApp, WebhookPassword};
use crate::error::{ApiError, is_unique_violation};
use crate::integrations::Integrations;
use crate::store::{self, audit::Actor, integrations as rows};

/// How the create runs (not part of the integration).
pub struct Options {
    /// Verify the credentials against Azure DevOps before storing.
    pub verify: bool,
    /// Check everything, store nothing.
    pub validate_only: bool,
    /// The same key with the same input returns the same integration.
    pub idempotency_key: Option<String>,
}

pub async fn create(
    state: &Integrations,
    p: &Principal,
    actor: &Actor,
    new: NewIntegration,
    options: Options,
) -> Result<Outcome, ApiError> {
    check_upstream(&new.org, state.config.allow_private_upstreams)?;
    check_credentials(&new.org, new.pat.is_some(), new.oauth_app.is_some(), new.app_identity.is_some())?;
    let stamps = secret_versions::for_create(&new)?;
    if let Some(methods) = new.user_authorization_methods {
        methods.check(new.oauth_app.is_some())?;
    }
    let oauth = match &new.oauth_app {
        Some(fields) => Some(org_tenant::oauth_app(state, &new.org, fields.clone()).await?),
        None => None,
    };
    let app_tenant = match &new.app_identity {
        Some(identity) => Some(org_tenant::app_identity_tenant(state, &new.org, identity).await?),
        None => None,
    };
    let settled = new
        .app_identity
        .as_ref()
        .zip(app_tenant.as_deref())
        .map(|(identity, tenant_id)| rows::SettledAppIdentity { identity, tenant_id });
    let fingerprint = idempotency::Fingerprint::of(&state.keyring, &canonical(&new, oauth.as_ref(), settled));
    if let Some(key) = &options.idempotency_key {
        let key = check_key(key)?;
        if let Some(id) = idempotency::replay(
            &state.db,
            &state.keyring,
            &p.tenant_id,
            idempotency::CREATE_INTEGRATION,
            key,
            &fingerprint,
        )
        .await?
        {
            let existing = rows::get(&state.db, &p.tenant_id, &id).await?;
            let verification = existing
                .as_ref()
                .and_then(|m| m.last_verification.as_deref())
                .and_then(|j| serde_json::from_str(j).ok());
            match existing {
                Some(_) => return Ok(Outcome { integration: existing, verification, ..Outcome::default() }),
                // Unlinked since: the key is free again, and this request creates anew.
                None if !options.validate_only => {
                    idempotency::release(&state.db, &p.tenant_id, idempotency::CREATE_INTEGRATION, key).await?;
                }
                None => {}
            }
        }
    }
    if rows::name_taken(&state.db, &p.tenant_id, new.name.as_str(), None).await? {
        return Err(name_conflict(new.name.as_str()));
    }
    // Known before verification: a federated app identity's subject names it.
    let id = store::new_id();
    let verification = if options.verify {
        let mut target = target(&new, oauth.as_ref());
        target.app_identity = settled
            .map(|s| credentials::app_identity_credentials(&state.azure, &state.keyring, &id, s.identity, s.tenant_id))
            .transpose()?;
        Some(verify::verify(&state.azure, &target).await)
    } else {
        None
    };
    if options.validate_only {
        return Ok(Outcome { verification, ..Outcome::default() });
    }

    let (password, generated) = match &new.webhook_password {
        Some(pw) => (pw.clone(), false),
        None => (WebhookPassword::generate(), true),
    };
    let row = rows::Insert {
        id: &id,
        tenant_id: &p.tenant_id,
        integration: &new,
        oauth: oauth.as_ref(),
        app_identity: settled,
        webhook_password: &password,
        stamps,
        status: Status::of(verification.as_ref().map(|v| v.ok)),
        last_verification: verification.as_ref().and_then(|v| serde_json::to_string(v).ok()),
    };
    let txn = crate::store::begin_write(&state.db).await?;
    let model = match rows::insert(&txn, &state.keyring, row).await {
        Ok(m) => m,
        Err(e) if is_unique_violation(&e) => return Err(name_conflict(new.name.as_str())),
        Err(e) => return Err(e.into()),
    };
    if model.is_default {
        rows::clear_default(&txn, &p.tenant_id, &id).await?;
    }
    if let Some(key) = &options.idempotency_key {
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
        ..Outcome::default()
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

fn target(new: &NewIntegration, oauth: Option<&OAuthApp>) -> VerifyTarget {
    VerifyTarget {
        org_url: new.org.url().clone(),
        flavor: new.org.flavor(),
        pat: new.pat.as_ref().map(|t| t.secret().clone()),
        oauth: oauth.map(credentials::oauth_credentials),
        app_identity: None,
        accessible_projects: new.projects.as_ref().map(|p| p.as_slice().to_vec()),
    }
}

/// What makes two create requests "the same input": every parsed field, secrets as hashes (never
/// stored as such: the fingerprint over all of it is keyed, see `idempotency::Fingerprint`).
fn canonical(
    parsed: &NewIntegration,
    oauth: Option<&OAuthApp>,
    app_identity: Option<rows::SettledAppIdentity<'_>>,
) -> serde_json::Value {
    use sha2::{Digest, Sha256};
    let h = |s: &SecretString| hex::encode(Sha256::digest(s.expose_secret().as_bytes()));
    let mut input = serde_json::json!({
        "name": parsed.name.as_str(),
        "description": parsed.description.as_ref().map(|d| d.as_str()),
        "labels": parsed.labels.as_slice(),
        "isDefault": parsed.is_default,
        "organizationUrl": parsed.org.as_str(),
        "flavor": parsed.org.flavor().as_str(),
        "accessibleProjects": parsed.projects.as_ref().map(|p| p.as_slice()),
        "pat": parsed.pat.as_ref().map(|t| h(t.secret())),
        "oauth": oauth.map(|a| serde_json::json!({
            "tenant": a.tenant_id(), "clientId": a.client_id(), "secret": h(a.client_secret()),
            "scopes": a.scopes(), "tokenUrl": a.token_url().as_str(),
        })),
        "appIdentity": app_identity.map(|s| {
            let proof = match &s.identity.proof {
                Proof::ClientSecret(secret) => h(secret.secret()),
                Proof::Certificate(c) => format!("{}:{}", c.thumbprint(), h(c.private_key_pem())),
                Proof::ManagedIdentity => "managed identity".to_owned(),
                Proof::Federated => "federated".to_owned(),
            };
            serde_json::json!({ "tenant": s.tenant_id, "clientId": s.identity.client_id.as_str(), "proof": proof })
        }),
        "webhookPassword": parsed.webhook_password.as_ref().map(|pw| h(pw.secret())),
        "userAuthorizationMethods": parsed.user_authorization_methods.map(|m| m.column()),
    });
    // Only when sent: keys remembered before versions existed still match their retries.
    let v = parsed.versions;
    if v != SecretVersions::default() {
        input["secretVersions"] = serde_json::json!([v.pat, v.oauth_client_secret, v.app_secret, v.webhook_password]);
    }
    input
}
