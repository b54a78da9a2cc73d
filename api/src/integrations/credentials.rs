//! What to verify with: the parsed input's credentials, or a stored row's, opened from their seals.

use std::sync::Arc;

use url::Url;

use crate::azure::app_token::{AppIdentityCredentials, ClientProof};
use crate::azure::{AzureClient, OAuthAppCredentials, VerifyTarget};
use crate::crypto::Keyring;
use crate::domain::app_identity::{AppIdentity, Proof};
use crate::domain::flavor::Flavor;
use crate::domain::oauth_app::OAuthApp;
use crate::error::ApiError;
use crate::oidc::assertion::FederatedSubject;
use crate::store::integrations as rows;

pub fn oauth_credentials(app: &OAuthApp) -> OAuthAppCredentials {
    OAuthAppCredentials {
        discovery_url: app.discovery_url().clone(),
        token_url: app.token_url().clone(),
        client_id: app.client_id().to_owned(),
        client_secret: app.client_secret().clone(),
        tenant_id: app.tenant_id().to_owned(),
    }
}

/// The app identity's credentials for its settled tenant: the token endpoint under `authority`.
pub fn app_identity_credentials(
    azure: &AzureClient,
    keyring: &Arc<Keyring>,
    integration_id: &str,
    identity: &AppIdentity,
    tenant_id: &str,
) -> Result<AppIdentityCredentials, ApiError> {
    let authority = &azure.config().entra_authority;
    let (proof, credential_expires_at) = match &identity.proof {
        Proof::ClientSecret(secret) => (ClientProof::Secret(secret.secret().clone()), None),
        Proof::Certificate(c) => (
            ClientProof::Certificate {
                private_key_pem: c.private_key_pem().clone(),
                thumbprint: c.thumbprint().to_owned(),
            },
            Some(c.not_after()),
        ),
        Proof::ManagedIdentity => (ClientProof::ManagedIdentity, None),
        Proof::Federated => (
            ClientProof::Federated {
                who: FederatedSubject::of(&azure.config().oidc_issuer, integration_id),
                keyring: keyring.clone(),
            },
            None,
        ),
    };
    Ok(AppIdentityCredentials {
        token_url: crate::integration_credential::token_url(authority, tenant_id)?,
        client_id: identity.client_id.as_str().to_owned(),
        proof,
        tenant_id: tenant_id.to_owned(),
        credential_expires_at,
    })
}

/// The verification target of a stored integration (its secrets opened for this call only).
pub fn target_of(
    keyring: &Arc<Keyring>,
    azure: &AzureClient,
    m: &entity::integration::Model,
) -> Result<VerifyTarget, ApiError> {
    let pat = rows::open_pat(keyring, m).map_err(ApiError::internal)?;
    let secret = rows::open_client_secret(keyring, m).map_err(ApiError::internal)?;
    let oauth = match (secret, &m.oauth_issuer_url, &m.oauth_token_url, &m.oauth_client_id) {
        (Some(client_secret), Some(issuer), Some(token), Some(client_id)) => Some(OAuthAppCredentials {
            discovery_url: parse(&format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/')))?,
            token_url: parse(token)?,
            client_id: client_id.clone(),
            client_secret,
            tenant_id: m.oauth_tenant_id.clone().unwrap_or_default(),
        }),
        _ => None,
    };
    Ok(VerifyTarget {
        org_url: parse(&m.organization_url)?,
        flavor: Flavor::parse(&m.flavor).unwrap_or(Flavor::Services),
        pat,
        oauth,
        app_identity: crate::integration_credential::stored_app_identity(azure, keyring, m)?,
        accessible_projects: rows::accessible_projects(m),
    })
}

fn parse(s: &str) -> Result<Url, ApiError> {
    Url::parse(s).map_err(|e| ApiError::internal(format!("stored URL {s:?}: {e}")))
}
