//! `AppIdentityInfo`: the integration's own Entra identity as reads show it (never a secret).

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::{Enum, SimpleObject};
use entity::integration::Model;

use super::integration::SecretInfo;

use crate::azure::verification::Verification;
use crate::domain::app_identity::{PROOF_CERTIFICATE, PROOF_CLIENT_SECRET, PROOF_FEDERATED, PROOF_MANAGED_IDENTITY};
use crate::oidc::assertion::{AUDIENCE, FederatedSubject};

/// How an app identity proves itself to Microsoft Entra ID.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AppIdentityProof {
    /// Client credentials with a client secret.
    ClientSecret,
    /// A client assertion signed with a certificate's key.
    Certificate,
    /// A client assertion this server issues as an OIDC issuer (workload identity federation).
    Federated,
    /// The host's managed identity.
    ManagedIdentity,
}

/// The integration's own Entra identity: a service principal added to the organization. Background
/// work (verification, browsing for callers without their own authorization, service hooks) uses
/// it ahead of the personal access token.
#[derive(SimpleObject)]
pub struct AppIdentityInfo {
    /// The Entra tenant it asks for tokens (the organization's resource tenant unless given).
    pub tenant_id: String,
    /// Application (client) ID.
    pub client_id: String,
    /// How it proves itself.
    pub proof: AppIdentityProof,
    /// The client secret's hint and when it was set (`CLIENT_SECRET` only). Never the secret.
    pub client_secret: Option<SecretInfo>,
    /// `CERTIFICATE`: the certificate's SHA-256 thumbprint, base64url (its `x5t#S256`; the
    /// Entra portal shows the SHA-1 thumbprint in hex).
    pub certificate_thumbprint: Option<String>,
    /// `CERTIFICATE`: when the certificate expires (`notAfter`); verification warns 30 days before.
    pub certificate_expires_at: Option<Timestamp>,
    /// `CERTIFICATE`: the certificate credential, described: its thumbprint's last 4 characters,
    /// when it was set, its `notAfter` and its version. Never the key.
    pub certificate: Option<SecretInfo>,
    /// `FEDERATED`: the federated credential to add to the app registration (Certificates &
    /// secrets > Federated credentials > Other issuer), character for character.
    pub federated_credential: Option<FederatedCredentialInfo>,
    /// Who Azure DevOps saw it as at the last verification (its `connectionData` identity); null
    /// before it verified as a member of the organization.
    pub authenticated_as: Option<String>,
}

/// What Entra ID matches a federated assertion of this server against.
#[derive(SimpleObject)]
pub struct FederatedCredentialInfo {
    /// This server's public URL (`VCSLINK_PUBLIC_URL`), serving `/.well-known/openid-configuration`.
    pub issuer: String,
    /// `integration:{integration id}`.
    pub subject: String,
    /// Always `api://AzureADTokenExchange`.
    pub audience: String,
}

impl AppIdentityInfo {
    /// The row's app identity; `None` without one. `public_url` is the federated issuer.
    pub fn of(m: &Model, public_url: &str) -> Option<AppIdentityInfo> {
        let (tenant_id, client_id, proof) =
            (m.app_tenant_id.clone()?, m.app_client_id.clone()?, m.app_proof.as_deref()?);
        let proof = match proof {
            PROOF_CLIENT_SECRET => AppIdentityProof::ClientSecret,
            PROOF_CERTIFICATE => AppIdentityProof::Certificate,
            PROOF_MANAGED_IDENTITY => AppIdentityProof::ManagedIdentity,
            PROOF_FEDERATED => AppIdentityProof::Federated,
            _ => return None,
        };
        let client_secret = match (m.app_secret_hint.clone(), m.app_secret_set_at) {
            (Some(hint), Some(set_at)) => {
                Some(SecretInfo { hint, set_at: set_at.into(), expires_at: None, version: m.app_secret_version })
            }
            _ => None,
        };
        let certificate = match (&m.app_certificate_thumbprint, m.app_secret_set_at) {
            (Some(thumbprint), Some(set_at)) => Some(SecretInfo {
                hint: thumbprint.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect(),
                set_at: set_at.into(),
                expires_at: m.app_certificate_expires_at.map(Into::into),
                version: m.app_secret_version,
            }),
            _ => None,
        };
        Some(AppIdentityInfo {
            tenant_id,
            client_id,
            proof,
            client_secret,
            certificate_thumbprint: m.app_certificate_thumbprint.clone(),
            certificate_expires_at: m.app_certificate_expires_at.map(Into::into),
            certificate,
            federated_credential: (proof == AppIdentityProof::Federated).then(|| {
                let who = FederatedSubject::of(public_url, &m.id);
                FederatedCredentialInfo { issuer: who.issuer, subject: who.subject, audience: AUDIENCE.to_owned() }
            }),
            authenticated_as: m
                .last_verification
                .as_deref()
                .and_then(|json| serde_json::from_str::<Verification>(json).ok())
                .and_then(|v| v.app_identity_as),
        })
    }
}
