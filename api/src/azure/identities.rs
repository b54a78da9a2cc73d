//! Identities (IMS): `GET {base}/_apis/identities?identityIds=...&queryMembership=None`, to turn the
//! `@<GUID>` mentions of pull-request comments into display names.
//!
//! On Azure DevOps Services the route lives on the organization's vssps host
//! (`https://vssps.dev.azure.com/{organization}/_apis/identities`, spec `vsts-rest-api-specs`
//! `specification/ims/7.1/identities.json`, scope `vso.identity`); on Azure DevOps Server on the
//! collection itself (`{collection}/_apis/identities`, as the Server clients' location service
//! resolves it). The answer is `{count, value: [Identity]}`; an id that names nobody may come back
//! as `null` in `value` (tolerated either way).

use serde::Deserialize;
use url::Url;

use super::client::{AzureClient, Call, Credential, api_url};
use super::error::AzureError;
use crate::domain::flavor::Flavor;

/// The most ids asked for in one request.
pub const MAX_IDS: usize = 20;

/// One identity as the identities API returns it (the fields vcslink reads).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub id: String,
    pub provider_display_name: Option<String>,
    pub custom_display_name: Option<String>,
}

impl Identity {
    /// The name the UI shows: the custom display name when set, else the provider's.
    pub fn display_name(&self) -> Option<&str> {
        self.custom_display_name.as_deref().or(self.provider_display_name.as_deref()).filter(|n| !n.is_empty())
    }
}

#[derive(Deserialize)]
struct List {
    #[serde(default)]
    value: Vec<Option<Identity>>,
}

/// Where the identities API of an organization (Services) or collection (Server) lives.
/// `vssps` is the Services identity host base (`VCSLINK_VSSPS_URL`, `https://vssps.dev.azure.com`).
pub fn base(flavor: Flavor, organization_url: &str, organization: &str, vssps: &Url) -> Result<Url, AzureError> {
    let joined = match flavor {
        Flavor::Services => format!("{}/{organization}", vssps.as_str().trim_end_matches('/')),
        Flavor::Server => organization_url.trim_end_matches('/').to_owned(),
    };
    Url::parse(&joined).map_err(|e| AzureError::InvalidUrl { reason: e.to_string() })
}

/// The identities named by `ids` (at most [`MAX_IDS`]), skipping ids that name nobody.
pub async fn read_by_ids(
    client: &AzureClient,
    base: &Url,
    ids: &[String],
    api_version: &str,
    credential: &Credential,
) -> Result<Vec<Identity>, AzureError> {
    let ids = ids.iter().take(MAX_IDS).map(String::as_str).collect::<Vec<_>>().join(",");
    let query = [("identityIds", ids.as_str()), ("queryMembership", "None"), ("api-version", api_version)];
    let url = api_url(base, "_apis/identities", &query)?;
    let list: List = client.send(Call::get(url, credential)).await?.json()?;
    Ok(list.value.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_ask_the_vssps_host_and_servers_their_collection() {
        let vssps = Url::parse("https://vssps.dev.azure.com").unwrap();
        let b = base(Flavor::Services, "https://dev.azure.com/contoso", "contoso", &vssps).unwrap();
        assert_eq!(b.as_str(), "https://vssps.dev.azure.com/contoso");
        let b = base(Flavor::Server, "https://ado.example.com/tfs/DefaultCollection/", "defaultcollection", &vssps)
            .unwrap();
        assert_eq!(b.as_str(), "https://ado.example.com/tfs/DefaultCollection");
    }

    #[test]
    fn the_custom_display_name_wins_and_null_entries_are_skipped() {
        let list: List = serde_json::from_str(
            r#"{"count":2,"value":[null,{"id":"x","providerDisplayName":"Build Bot","customDisplayName":"CI"}]}"#,
        )
        .unwrap();
        let found: Vec<Identity> = list.value.into_iter().flatten().collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].display_name(), Some("CI"));
    }
}
