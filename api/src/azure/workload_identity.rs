//! AKS workload identity (docs/azure-devops-wire.md §6.5): the admission webhook projects a
//! service account token into `AZURE_FEDERATED_TOKEN_FILE` and names Entra's host in
//! `AZURE_AUTHORITY_HOST`. The file is read on every token request (the kubelet rotates it) and
//! sent as the `client_assertion` of a client credentials grant to
//! `{AZURE_AUTHORITY_HOST}{tenant}/oauth2/v2.0/token`. The app's federated credential trusts the
//! cluster's OIDC issuer with subject `system:serviceaccount:{namespace}:{serviceAccount}` (§6.4).

use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::entra::GrantError;
use super::error::AzureError;

/// Entra's public cloud host, `AZURE_AUTHORITY_HOST`'s default.
pub const DEFAULT_AUTHORITY_HOST: &str = "https://login.microsoftonline.com/";

/// The pod's workload identity, from its environment.
#[derive(Clone, Debug)]
pub struct WorkloadIdentity {
    /// `AZURE_FEDERATED_TOKEN_FILE`.
    pub token_file: PathBuf,
    /// `AZURE_AUTHORITY_HOST`.
    pub authority_host: Url,
}

/// Who the token file says the pod is (read unverified, to name it in messages).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceAccount {
    pub issuer: String,
    pub subject: String,
}

impl WorkloadIdentity {
    /// `token_file` exchanged at `authority_host`, Entra's public cloud when `None`.
    pub fn new(token_file: PathBuf, authority_host: Option<Url>) -> WorkloadIdentity {
        #[allow(clippy::expect_used)]
        let default = || Url::parse(DEFAULT_AUTHORITY_HOST).expect("the authority host constant parses");
        WorkloadIdentity { token_file, authority_host: authority_host.unwrap_or_else(default) }
    }

    /// The token endpoint for `tenant`: the host with exactly one slash before the tenant.
    pub fn token_url(&self, tenant: &str) -> Result<Url, GrantError> {
        let host = self.authority_host.as_str().trim_end_matches('/');
        Url::parse(&format!("{host}/{tenant}/oauth2/v2.0/token")).map_err(|e| {
            GrantError::Call(AzureError::InvalidResponse {
                reason: format!("AZURE_AUTHORITY_HOST gives no token URL: {e}"),
            })
        })
    }

    /// The service account token, read now.
    pub async fn assertion(&self) -> Result<SecretString, GrantError> {
        let text = tokio::fs::read_to_string(&self.token_file).await.map_err(|e| {
            GrantError::Call(AzureError::InvalidResponse {
                reason: format!("AZURE_FEDERATED_TOKEN_FILE {} cannot be read: {e}", self.token_file.display()),
            })
        })?;
        let token = text.trim();
        if token.split('.').count() != 3 {
            return Err(GrantError::Call(AzureError::InvalidResponse {
                reason: format!("AZURE_FEDERATED_TOKEN_FILE {} holds no JWT", self.token_file.display()),
            }));
        }
        Ok(SecretString::from(token))
    }

    /// The issuer and subject of the token in the file now; empty when it cannot be read.
    pub async fn service_account(&self) -> ServiceAccount {
        let Ok(token) = self.assertion().await else { return ServiceAccount::default() };
        service_account(&token)
    }
}

fn service_account(token: &SecretString) -> ServiceAccount {
    let claims = token
        .expose_secret()
        .split('.')
        .nth(1)
        .and_then(|p| URL_SAFE_NO_PAD.decode(p).ok())
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .unwrap_or_default();
    let field = |k: &str| claims.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    ServiceAccount { issuer: field("iss"), subject: field("sub") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(host: &str, file: PathBuf) -> WorkloadIdentity {
        WorkloadIdentity { token_file: file, authority_host: Url::parse(host).unwrap() }
    }

    #[test]
    fn the_token_url_has_one_slash_between_host_and_tenant() {
        for host in ["https://login.microsoftonline.com/", "https://login.microsoftonline.com"] {
            let url = identity(host, PathBuf::new()).token_url("contoso.onmicrosoft.com").unwrap();
            assert_eq!(url.as_str(), "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
        }
    }

    #[tokio::test]
    async fn the_file_is_read_each_time_and_named_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        let wi = identity(DEFAULT_AUTHORITY_HOST, file.clone());
        let missing = wi.assertion().await.unwrap_err();
        assert!(missing.to_string().contains("AZURE_FEDERATED_TOKEN_FILE"), "{missing}");
        let claims = |sub: &str| URL_SAFE_NO_PAD.encode(format!(r#"{{"iss":"https://oidc.example","sub":"{sub}"}}"#));
        std::fs::write(&file, format!("e30.{}.c2ln\n", claims("system:serviceaccount:a:b"))).unwrap();
        assert_eq!(wi.service_account().await.subject, "system:serviceaccount:a:b");
        std::fs::write(&file, format!("e30.{}.c2ln", claims("system:serviceaccount:a:c"))).unwrap();
        let now = wi.service_account().await;
        assert_eq!((now.issuer.as_str(), now.subject.as_str()), ("https://oidc.example", "system:serviceaccount:a:c"));
        std::fs::write(&file, "not a token").unwrap();
        assert!(wi.assertion().await.is_err());
    }
}
