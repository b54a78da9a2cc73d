//! Integration tests of the client and of verification against the fake Azure DevOps (fake-azure).

mod client;
mod id_token;
mod oauth;
mod pat;
mod tenant;

use std::time::Duration;

use fake_azure::FakeAzure;
use secrecy::SecretString;
use url::Url;

use super::{AzureClient, AzureConfig, CheckName, OAuthAppCredentials, Verification, VerifyTarget};
use crate::domain::flavor::Flavor;

/// A client that may talk to the fake on loopback over http://.
fn client() -> AzureClient {
    client_with(|_| {})
}

fn client_with(adjust: impl FnOnce(&mut AzureConfig)) -> AzureClient {
    let mut config = AzureConfig { allow_private_upstreams: true, ..AzureConfig::default() };
    config.request_timeout = Duration::from_secs(10);
    adjust(&mut config);
    AzureClient::new(config).unwrap()
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

/// An OAuth-only target on the seeded organization.
fn oauth_only(fake: &FakeAzure, tenant: &str, client_id: &str, secret: &str) -> VerifyTarget {
    VerifyTarget {
        org_url: url(&fake.org_url(fake_azure::DEFAULT_ORG)),
        flavor: Flavor::Services,
        pat: None,
        oauth: Some(oauth_app(fake, tenant, client_id, secret)),
        app_identity: None,
        accessible_projects: None,
    }
}

fn pat_target(fake: &FakeAzure, org: &str, flavor: Flavor, pat: &str) -> VerifyTarget {
    VerifyTarget {
        org_url: url(&fake.org_url(org)),
        flavor,
        pat: Some(SecretString::from(pat)),
        oauth: None,
        app_identity: None,
        accessible_projects: None,
    }
}

fn oauth_app(fake: &FakeAzure, tenant: &str, client_id: &str, secret: &str) -> OAuthAppCredentials {
    let authority = fake.entra_authority();
    OAuthAppCredentials {
        discovery_url: url(&format!("{authority}/{tenant}/v2.0/.well-known/openid-configuration")),
        token_url: url(&format!("{authority}/{tenant}/oauth2/v2.0/token")),
        client_id: client_id.to_owned(),
        client_secret: SecretString::from(secret),
        tenant_id: tenant.to_owned(),
    }
}

fn check(v: &Verification, name: CheckName) -> &super::VerificationCheck {
    v.checks.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no {} check in {v:#?}", name.as_str()))
}

fn has_check(v: &Verification, name: CheckName) -> bool {
    v.checks.iter().any(|c| c.name == name)
}
