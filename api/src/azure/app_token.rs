//! Access tokens of app identities: one cache entry per identity (token endpoint, client id and a
//! hash of the secret), single-flighted (many cold callers, one token request), kept until five
//! minutes before the token expires, then asked for again (client credentials return no refresh
//! token; docs/azure-devops-wire.md §6.2, §6.6).

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::future::Cache;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use url::Url;

use super::client::AzureClient;
use super::entra::{self, GrantError};
use super::managed_identity::{self, Endpoint};
use crate::crypto::Keyring;
use crate::oidc::assertion::FederatedSubject;

/// How long before its expiry a token is no longer handed out.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// How an app identity proves itself at the token endpoint.
#[derive(Clone, Debug)]
pub enum ClientProof {
    /// `client_secret`.
    Secret(SecretString),
    /// A `private_key_jwt` assertion signed with the certificate's key (see `client_assertion.rs`).
    Certificate { private_key_pem: SecretString, thumbprint: String },
    /// The host's managed identity (`managed_identity.rs`): nothing to prove, the host vouches.
    ManagedIdentity,
    /// Workload identity federation: an assertion this server signs as the OIDC issuer
    /// (`oidc/assertion.rs`), under the keyring's current signing key, per token request.
    Federated { who: FederatedSubject, keyring: Arc<Keyring> },
    /// An assertion another issuer signed, sent as it is: AKS's projected service account token
    /// (`workload_identity.rs`), read for one token request.
    Assertion(SecretString),
}

impl ClientProof {
    fn material(&self) -> &str {
        match self {
            ClientProof::Secret(secret) => secret.expose_secret(),
            ClientProof::Certificate { private_key_pem, .. } => private_key_pem.expose_secret(),
            ClientProof::ManagedIdentity => "managed identity",
            ClientProof::Federated { who, .. } => &who.subject,
            ClientProof::Assertion(_) => "external assertion",
        }
    }
}

/// What an app identity proves itself with (the secret opened for this call only).
#[derive(Clone, Debug)]
pub struct AppIdentityCredentials {
    /// `{authority}/{tenant}/oauth2/v2.0/token`.
    pub token_url: Url,
    pub client_id: String,
    pub proof: ClientProof,
    /// The tenant it asks (the organization's resource tenant unless given).
    pub tenant_id: String,
    /// When the credential itself expires, when known (a certificate's `notAfter`).
    pub credential_expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl AppIdentityCredentials {
    fn cache_key(&self) -> String {
        let mut h = Sha256::new();
        for part in [self.token_url.as_str(), &self.client_id, self.proof.material()] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        hex::encode(h.finalize())
    }
}

#[derive(Debug)]
struct AppToken {
    access_token: SecretString,
    lifetime: Duration,
}

struct RefreshEarly;

impl Expiry<String, Arc<AppToken>> for RefreshEarly {
    fn expire_after_create(&self, _key: &String, token: &Arc<AppToken>, _created: Instant) -> Option<Duration> {
        Some(token.lifetime.saturating_sub(REFRESH_MARGIN))
    }
}

/// App identities' tokens.
#[derive(Clone)]
pub struct AppTokenCache(Cache<String, Arc<AppToken>>);

impl Default for AppTokenCache {
    fn default() -> Self {
        AppTokenCache(Cache::builder().max_capacity(10_000).expire_after(RefreshEarly).build())
    }
}

impl std::fmt::Debug for AppTokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppTokenCache").field("identities", &self.0.entry_count()).finish()
    }
}

/// A token for `identity`, from the cache or from one client credentials grant shared by every
/// concurrent caller.
pub async fn token(client: &AzureClient, identity: &AppIdentityCredentials) -> Result<SecretString, Arc<GrantError>> {
    let cached = client
        .app_tokens()
        .0
        .try_get_with(identity.cache_key(), async {
            let tokens = match &identity.proof {
                ClientProof::ManagedIdentity => match &client.config().managed_identity {
                    Endpoint::Workload(workload) => {
                        let assertion = ClientProof::Assertion(workload.assertion().await?);
                        let token_url = workload.token_url(&identity.tenant_id)?;
                        entra::client_credentials(client, &token_url, &identity.client_id, &assertion).await?
                    }
                    endpoint => {
                        managed_identity::token(client.managed_identity_http(), endpoint, &identity.client_id).await?
                    }
                },
                proof => entra::client_credentials(client, &identity.token_url, &identity.client_id, proof).await?,
            };
            Ok::<_, GrantError>(Arc::new(AppToken { access_token: tokens.access_token, lifetime: tokens.expires_in }))
        })
        .await?;
    Ok(cached.access_token.clone())
}
