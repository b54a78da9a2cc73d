//! The integration's own Entra identity (a service principal): its tenant, client id and the one
//! proof it authenticates with (docs/azure-devops-wire.md §6).
//!
//! Four proofs: `clientSecret`, `certificate`, `managedIdentity`, and `federated` (this server is
//! the OIDC issuer, see `oidc/`).

use super::certificate::CertificateCredential;
use super::entra_ids::{ClientId, TenantId};
use super::error::InvalidInput;
use super::secrets::ClientSecret;

/// The `appIdentity` input as received.
#[derive(Debug, Clone, Default)]
pub struct AppIdentityFields {
    pub tenant_id: Option<String>,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// `certificate`: the certificate PEM and its private key PEM.
    pub certificate: Option<(String, String)>,
    pub federated: Option<bool>,
    pub managed_identity: Option<bool>,
}

/// How the identity proves itself to Entra ID.
#[derive(Debug, Clone)]
pub enum Proof {
    /// Client credentials with a client secret (sealed at rest).
    ClientSecret(ClientSecret),
    /// A `private_key_jwt` client assertion signed with the certificate's key (sealed at rest).
    Certificate(CertificateCredential),
    /// The host's managed identity (`clientId` names a user-assigned one): no secret at all.
    ManagedIdentity,
    /// Workload identity federation with this server as the OIDC issuer: no secret at all.
    Federated,
}

impl Proof {
    /// The stored name of the proof kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Proof::ClientSecret(_) => PROOF_CLIENT_SECRET,
            Proof::Certificate(_) => PROOF_CERTIFICATE,
            Proof::ManagedIdentity => PROOF_MANAGED_IDENTITY,
            Proof::Federated => PROOF_FEDERATED,
        }
    }

    /// Whether the proof is a secret kept here (a client secret, or a certificate's key).
    pub fn has_secret(&self) -> bool {
        matches!(self, Proof::ClientSecret(_) | Proof::Certificate(_))
    }
}

/// `integrations.app_proof` for a client secret.
pub const PROOF_CLIENT_SECRET: &str = "client_secret";
/// `integrations.app_proof` for a certificate.
pub const PROOF_CERTIFICATE: &str = "certificate";
/// `integrations.app_proof` for a managed identity.
pub const PROOF_MANAGED_IDENTITY: &str = "managed_identity";
/// `integrations.app_proof` for workload identity federation.
pub const PROOF_FEDERATED: &str = "federated";

/// A parsed app identity; `Debug` redacts the secret.
#[derive(Debug, Clone)]
pub struct AppIdentity {
    /// `None`: the organization's resource tenant, found when the integration is created.
    pub tenant_id: Option<TenantId>,
    pub client_id: ClientId,
    pub proof: Proof,
}

fn in_app_identity(mut e: InvalidInput) -> InvalidInput {
    e.field = e.field.replace("oauthApp.", "appIdentity.");
    e
}

impl AppIdentity {
    pub fn parse(input: AppIdentityFields) -> Result<AppIdentity, InvalidInput> {
        let client_id = ClientId::parse(&input.client_id).map_err(in_app_identity)?;
        let tenant_id = input
            .tenant_id
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| TenantId::parse_field("appIdentity.tenantId", t))
            .transpose()?;
        let secret = input.client_secret.as_deref().filter(|s| !s.trim().is_empty());
        let given = [
            secret.is_some(),
            input.certificate.is_some(),
            input.federated == Some(true),
            input.managed_identity == Some(true),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            return Err(InvalidInput::new("appIdentity", "needs exactly one proof")
                .with_hint("give one of clientSecret, certificate, federated: true or managedIdentity: true"));
        }
        let proof = match (&input.certificate, secret) {
            _ if input.managed_identity == Some(true) => Proof::ManagedIdentity,
            _ if input.federated == Some(true) => Proof::Federated,
            (Some((certificate, key)), _) => Proof::Certificate(CertificateCredential::parse(certificate, key)?),
            (None, secret) => {
                Proof::ClientSecret(ClientSecret::parse(secret.unwrap_or_default()).map_err(in_app_identity)?)
            }
        };
        Ok(AppIdentity { tenant_id, client_id, proof })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> AppIdentityFields {
        AppIdentityFields {
            client_id: "11112222-BBBB-3333-cccc-4444dddd5555".into(),
            client_secret: Some("Ab8Q~x.y_z-0123456789abcdefghijkLMNO".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_client_secret_identity_parses() {
        let id = AppIdentity::parse(fields()).unwrap();
        assert_eq!(id.client_id.as_str(), "11112222-bbbb-3333-cccc-4444dddd5555");
        assert!(id.tenant_id.is_none());
        assert_eq!(id.proof.kind(), PROOF_CLIENT_SECRET);
        assert!(!format!("{id:?}").contains("Ab8Q"), "Debug redacts the secret");
    }

    #[test]
    fn exactly_one_proof_and_fields_named_under_app_identity() {
        let none = AppIdentity::parse(AppIdentityFields { client_secret: None, ..fields() }).unwrap_err();
        assert_eq!(none.field, "appIdentity");
        let two = AppIdentity::parse(AppIdentityFields { federated: Some(true), ..fields() }).unwrap_err();
        assert_eq!(two.field, "appIdentity");
        let bad_client = AppIdentity::parse(AppIdentityFields { client_id: "x".into(), ..fields() }).unwrap_err();
        assert_eq!(bad_client.field, "appIdentity.clientId");
        let common =
            AppIdentity::parse(AppIdentityFields { tenant_id: Some("common".into()), ..fields() }).unwrap_err();
        assert_eq!(common.field, "appIdentity.tenantId");
        let federated =
            AppIdentity::parse(AppIdentityFields { client_secret: None, federated: Some(true), ..fields() }).unwrap();
        assert_eq!(federated.proof.kind(), PROOF_FEDERATED);
        let cert = (
            include_str!("../../../fake-azure/keys/app-identity-cert.pem").to_owned(),
            include_str!("../../../fake-azure/keys/app-identity-key.pem").to_owned(),
        );
        let id =
            AppIdentity::parse(AppIdentityFields { client_secret: None, certificate: Some(cert), ..fields() }).unwrap();
        assert_eq!(id.proof.kind(), PROOF_CERTIFICATE);
    }
}
