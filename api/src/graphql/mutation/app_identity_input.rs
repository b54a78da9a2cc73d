//! `AppIdentityInput`: the integration's own Microsoft Entra ID identity (field names are contract).

use async_graphql::InputObject;

use crate::domain::InvalidInput;
use crate::domain::app_identity::{AppIdentity, AppIdentityFields};

/// A service principal the integration authenticates as, with exactly one proof: `clientSecret`,
/// `certificate`, `federated: true` or `managedIdentity: true`.
#[derive(InputObject, Clone)]
pub struct AppIdentityInput {
    /// Directory (tenant) ID or verified domain; omitted: the organization's resource tenant.
    pub tenant_id: Option<String>,
    /// Application (client) ID of the app registration (or managed identity).
    pub client_id: String,
    /// A client secret's Value (not its Secret ID). Write-only.
    pub client_secret: Option<String>,
    /// A certificate uploaded to the app registration and its private key: vcslink signs a
    /// `private_key_jwt` client assertion (PS256, `x5t#S256`) with the key, sealed at rest.
    pub certificate: Option<CertificateInput>,
    /// Workload identity federation with this server as the OIDC issuer: no secret at all. Register
    /// the federated credential the integration shows in `appIdentity.federatedCredential`.
    pub federated: Option<bool>,
    /// The host's managed identity (`clientId`: the user-assigned identity's client id): tokens
    /// come from the VM's IMDS or App Service's identity endpoint (`VCSLINK_MANAGED_IDENTITY_ENDPOINT`),
    /// or on AKS from the pod's workload identity token file (`AZURE_FEDERATED_TOKEN_FILE`).
    pub managed_identity: Option<bool>,
    /// The client secret's or certificate's version (see `SecretInfo.version`): the stored version
    /// with the stored secret changes nothing, with another secret (or a lower version) is
    /// `CONFLICT`; omitted: the input's `secretVersion`, else the next version. Managed and
    /// federated identities hold no secret to version.
    pub secret_version: Option<i32>,
}

/// A certificate credential of the app registration. Write-only.
#[derive(InputObject, Clone)]
pub struct CertificateInput {
    /// The certificate (public part), PEM.
    pub certificate_pem: String,
    /// Its private key, PEM (PKCS#8).
    pub private_key_pem: String,
}

impl AppIdentityInput {
    /// The parsed identity.
    pub fn parse(&self) -> Result<AppIdentity, InvalidInput> {
        AppIdentity::parse(AppIdentityFields {
            tenant_id: self.tenant_id.clone(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            certificate: self.certificate.as_ref().map(|c| (c.certificate_pem.clone(), c.private_key_pem.clone())),
            federated: self.federated,
            managed_identity: self.managed_identity,
        })
    }
}
