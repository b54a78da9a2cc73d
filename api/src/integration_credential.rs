//! The integration's own credential, for the work nobody's own authorization covers
//! (verification, reads of callers without one, service hooks, mention lookups): its app identity's
//! token when it has one, else its personal access token, else none; `acting_credential = PAT`
//! (during a migration, or after a roll-back) keeps the PAT acting. An app identity Entra
//! refuses falls back to the PAT when there is one (logged), so a broken secret is not an outage.

use std::sync::Arc;

use url::Url;

use crate::azure::app_token::{self, AppIdentityCredentials, ClientProof};
use crate::azure::{AzureClient, Credential};
use crate::crypto::Keyring;
use crate::domain::app_identity::{PROOF_CERTIFICATE, PROOF_FEDERATED, PROOF_MANAGED_IDENTITY};
use crate::error::ApiError;
use crate::oidc::assertion::FederatedSubject;
use crate::store::integrations as rows;

/// Which of the integration's credentials acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    AppIdentity,
    PersonalAccessToken,
}

impl Kind {
    /// The identity answers are cached under (users' identities are `user:...`).
    pub fn identity(self) -> &'static str {
        match self {
            Kind::AppIdentity => "integration-app",
            Kind::PersonalAccessToken => "integration-pat",
        }
    }

    /// Its name in `acting_credential` and `service_hooks.created_with`.
    pub fn column(self) -> &'static str {
        match self {
            Kind::AppIdentity => rows::ACTING_APP_IDENTITY,
            Kind::PersonalAccessToken => rows::ACTING_PAT,
        }
    }
}

/// A credential of the integration, ready to send.
#[derive(Clone, Debug)]
pub struct Own {
    pub credential: Credential,
    pub kind: Kind,
}

/// Which own credential acts for `m`, from its columns (no secret opened): the app identity unless
/// `acting_credential = PAT` keeps a present PAT acting; `None` without either.
pub fn acting_kind(m: &entity::integration::Model) -> Option<Kind> {
    let has_pat = m.pat_sealed.is_some();
    let pat_acts = m.acting_credential.as_deref() == Some(rows::ACTING_PAT) && has_pat;
    match (m.app_client_id.is_some() && !pat_acts, has_pat) {
        (true, _) => Some(Kind::AppIdentity),
        (false, true) => Some(Kind::PersonalAccessToken),
        (false, false) => None,
    }
}

/// The integration's own credential; `None` when it has neither an app identity nor a PAT.
pub async fn own(
    azure: &AzureClient,
    keyring: &Arc<Keyring>,
    m: &entity::integration::Model,
) -> Result<Option<Own>, ApiError> {
    let pat = rows::open_pat(keyring, m).map_err(ApiError::internal)?;
    let pat_acts = acting_kind(m) == Some(Kind::PersonalAccessToken);
    if let Some(identity) = stored_app_identity(azure, keyring, m)?.filter(|_| !pat_acts) {
        match app_token::token(azure, &identity).await {
            Ok(token) => return Ok(Some(Own { credential: Credential::Bearer(token), kind: Kind::AppIdentity })),
            Err(error) if pat.is_some() => {
                tracing::warn!(integration = %m.id, %error, "app identity has no token; the PAT acts instead");
            }
            Err(error) => {
                return Err(ApiError::UpstreamUnavailable {
                    message: format!("the integration's app identity could not get a token: {error}"),
                });
            }
        }
    }
    Ok(pat.map(|pat| Own { credential: Credential::from_secret(pat), kind: Kind::PersonalAccessToken }))
}

/// A stored integration's app identity, its secret opened for this call only; `None` without one.
pub fn stored_app_identity(
    azure: &AzureClient,
    keyring: &Arc<Keyring>,
    m: &entity::integration::Model,
) -> Result<Option<AppIdentityCredentials>, ApiError> {
    let authority = &azure.config().entra_authority;
    let (Some(client_id), Some(tenant_id)) = (&m.app_client_id, &m.app_tenant_id) else {
        return Ok(None);
    };
    let secret = rows::open_app_secret(keyring, m).map_err(ApiError::internal)?;
    let proof = match (m.app_proof.as_deref(), secret, &m.app_certificate_thumbprint) {
        (Some(PROOF_MANAGED_IDENTITY), _, _) => ClientProof::ManagedIdentity,
        (Some(PROOF_FEDERATED), _, _) => ClientProof::Federated {
            who: FederatedSubject::of(&azure.config().oidc_issuer, &m.id),
            keyring: keyring.clone(),
        },
        (Some(PROOF_CERTIFICATE), Some(key), Some(thumbprint)) => {
            ClientProof::Certificate { private_key_pem: key, thumbprint: thumbprint.clone() }
        }
        (_, Some(secret), _) => ClientProof::Secret(secret),
        (_, None, _) => return Ok(None),
    };
    Ok(Some(AppIdentityCredentials {
        token_url: token_url(authority, tenant_id)?,
        client_id: client_id.clone(),
        proof,
        tenant_id: tenant_id.clone(),
        credential_expires_at: m.app_certificate_expires_at,
    }))
}

pub fn token_url(authority: &Url, tenant_id: &str) -> Result<Url, ApiError> {
    url::Url::parse(&format!("{}/{tenant_id}/oauth2/v2.0/token", authority.as_str().trim_end_matches('/')))
        .map_err(ApiError::internal)
}
