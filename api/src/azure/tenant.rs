//! The organization's resource tenant: the Entra tenant Azure DevOps Services names in its
//! answer to one anonymous request to the organization URL.
//!
//! As git-credential-manager does (`src/shared/Microsoft.AzureRepos/AzureDevOpsRestApi.cs`,
//! `GetAuthorityAsync`): `HEAD https://dev.azure.com/{org}` without credentials, status ignored;
//! the tenant of `WWW-Authenticate: Bearer authorization_uri=https://login.microsoftonline.com/{tenant}`
//! first, else the first non-empty GUID of `X-VSS-ResourceTenant`; exactly one all-zero GUID is an
//! organization backed by Microsoft accounts.

use std::time::Duration;

use moka::future::Cache;
use reqwest::Method;
use reqwest::header::{HeaderMap, WWW_AUTHENTICATE};
use url::Url;

use super::client::{AzureClient, Call, Credential};
use super::error::AzureError;

/// The all-zero tenant of an organization backed by Microsoft accounts (MSA).
pub const ZERO_TENANT: &str = "00000000-0000-0000-0000-000000000000";

const RESOURCE_TENANT_HEADER: &str = "x-vss-resourcetenant";

/// Who signs users in to an organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrgTenant {
    /// An Entra tenant: its GUID, lower-case and hyphenated.
    Entra(String),
    /// Microsoft accounts (an all-zero tenant): Entra apps cannot serve these users for Azure
    /// DevOps (docs `entra-oauth.md`), so for vcslink the organization is PAT-only.
    MicrosoftAccounts,
}

impl OrgTenant {
    /// The tenant GUID, `None` for a Microsoft-account organization.
    pub fn entra_id(&self) -> Option<&str> {
        match self {
            OrgTenant::Entra(id) => Some(id),
            OrgTenant::MicrosoftAccounts => None,
        }
    }
}

/// Why the tenant is not known.
#[derive(Debug, thiserror::Error)]
pub enum TenantError {
    /// The organization answered without naming a tenant (an Azure DevOps Server, or not Azure DevOps).
    #[error("the organization's answer names no Entra tenant")]
    NotAdvertised,
    #[error("the organization could not be asked for its tenant: {0}")]
    Call(#[from] AzureError),
}

/// The tenant an answer's headers name, `WWW-Authenticate` first.
pub fn from_headers(headers: &HeaderMap) -> Option<OrgTenant> {
    let challenged =
        headers.get_all(WWW_AUTHENTICATE).iter().filter_map(|v| v.to_str().ok()).find_map(bearer_authorization_tenant);
    if let Some(tenant) = challenged {
        return Some(tenant);
    }
    let raw = headers.get(RESOURCE_TENANT_HEADER)?.to_str().ok()?;
    resource_tenant(raw)
}

/// The GUID ending `authorization_uri=` in a Bearer challenge; other schemes and values ignored.
fn bearer_authorization_tenant(value: &str) -> Option<OrgTenant> {
    let lower = value.to_ascii_lowercase();
    let at = lower.find("authorization_uri=")? + "authorization_uri=".len();
    if !lower[..at].contains("bearer") {
        return None;
    }
    let rest = value[at..].trim_start_matches('"');
    let end = rest.find(['"', ',', ' ']).unwrap_or(rest.len());
    let uri = Url::parse(&rest[..end]).ok()?;
    let segment = uri.path_segments()?.find(|s| !s.is_empty())?;
    tenant_of(guid(segment)?)
}

/// `X-VSS-ResourceTenant`: the first non-empty GUID; exactly one all-zero GUID is an MSA organization.
fn resource_tenant(raw: &str) -> Option<OrgTenant> {
    let ids: Vec<String> = raw.split(',').filter_map(|s| guid(s.trim())).collect();
    if let Some(id) = ids.iter().find(|id| id.as_str() != ZERO_TENANT) {
        return Some(OrgTenant::Entra(id.clone()));
    }
    (ids.len() == 1).then_some(OrgTenant::MicrosoftAccounts)
}

fn tenant_of(id: String) -> Option<OrgTenant> {
    Some(if id == ZERO_TENANT { OrgTenant::MicrosoftAccounts } else { OrgTenant::Entra(id) })
}

fn guid(s: &str) -> Option<String> {
    if s.len() != 36 {
        return None;
    }
    uuid::Uuid::try_parse(s).ok().map(|id| id.hyphenated().to_string())
}

/// Discovered tenants per organization URL (bounded; an hour, so a reconnected organization is seen).
#[derive(Clone, Debug)]
pub struct TenantCache(Cache<String, OrgTenant>);

impl Default for TenantCache {
    fn default() -> Self {
        TenantCache(Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(3600)).build())
    }
}

/// The resource tenant of the organization at `org_url` (cached per organization URL).
pub async fn discover(client: &AzureClient, org_url: &Url) -> Result<OrgTenant, TenantError> {
    let key = org_url.as_str().trim_end_matches('/').to_ascii_lowercase();
    let cache = &client.tenants().0;
    if let Some(known) = cache.get(&key).await {
        return Ok(known);
    }
    let raw = client.send(Call::bare(Method::HEAD, org_url.clone(), &Credential::None)).await?;
    let tenant = from_headers(&raw.headers).ok_or(TenantError::NotAdvertised)?;
    tracing::debug!(org = %org_url, tenant = ?tenant, "organization tenant discovered");
    cache.insert(key, tenant.clone()).await;
    Ok(tenant)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    const TENANT: &str = "3e1f2a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b";

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_str(value).unwrap());
        }
        h
    }

    #[test]
    fn the_services_challenge_names_the_tenant_in_its_bearer_authorization_uri() {
        let h = headers(&[
            (
                "www-authenticate",
                "Bearer authorization_uri=https://login.microsoftonline.com/3E1F2A4B-5C6D-4E7F-8A9B-0C1D2E3F4A5B, Basic realm=\"https://tfsprodweusu4.app.visualstudio.com/\", TFS-Federated",
            ),
            ("x-tfs-fedauthrealm", "https://tfs.app.visualstudio.com/"),
            ("x-vss-resourcetenant", "99999999-8888-7777-6666-555555555555"),
        ]);
        assert_eq!(from_headers(&h), Some(OrgTenant::Entra(TENANT.into())));
    }

    #[test]
    fn the_resource_tenant_header_is_the_fallback() {
        let h = headers(&[
            ("www-authenticate", "Basic realm=\"https://tfsprodweusu4.app.visualstudio.com/\""),
            ("x-vss-resourcetenant", TENANT),
        ]);
        assert_eq!(from_headers(&h), Some(OrgTenant::Entra(TENANT.into())));
        let several = headers(&[("x-vss-resourcetenant", &format!("{ZERO_TENANT}, {TENANT}"))]);
        assert_eq!(from_headers(&several), Some(OrgTenant::Entra(TENANT.into())));
    }

    #[test]
    fn one_all_zero_tenant_is_an_organization_of_microsoft_accounts() {
        let h = headers(&[("www-authenticate", "Bearer"), ("x-vss-resourcetenant", ZERO_TENANT)]);
        assert_eq!(from_headers(&h), Some(OrgTenant::MicrosoftAccounts));
        let in_uri = headers(&[(
            "www-authenticate",
            &format!("Bearer authorization_uri=https://login.microsoftonline.com/{ZERO_TENANT}"),
        )]);
        assert_eq!(from_headers(&in_uri), Some(OrgTenant::MicrosoftAccounts));
        assert_eq!(from_headers(&headers(&[("x-vss-resourcetenant", &format!("{ZERO_TENANT},{ZERO_TENANT}"))])), None);
    }

    #[test]
    fn the_server_challenge_and_junk_name_no_tenant() {
        let server = headers(&[
            ("www-authenticate", "Bearer"),
            ("www-authenticate", "Basic realm=\"http://tfs:8080/tfs\""),
            ("www-authenticate", "Negotiate"),
            ("www-authenticate", "NTLM"),
        ]);
        assert_eq!(from_headers(&server), None);
        let common =
            headers(&[("www-authenticate", "Bearer authorization_uri=https://login.microsoftonline.com/common")]);
        assert_eq!(from_headers(&common), None);
        assert_eq!(from_headers(&headers(&[("x-vss-resourcetenant", "not-a-guid")])), None);
        let basic_only = headers(&[("www-authenticate", &format!("Basic authorization_uri=https://x/{TENANT}"))]);
        assert_eq!(from_headers(&basic_only), None);
    }

    #[test]
    fn a_quoted_authorization_uri_is_read_too() {
        let h = headers(&[(
            "www-authenticate",
            &format!("Bearer authorization_uri=\"https://login.microsoftonline.com/{TENANT}\""),
        )]);
        assert_eq!(from_headers(&h), Some(OrgTenant::Entra(TENANT.into())));
    }
}
