//! Who a credential is: `connectionData`'s authenticated user (docs/azure-devops-wire.md §3.1), and the
//! api-version the organization answered it at.

use url::Url;

use super::client::{AzureClient, Call, Credential, api_url};
use super::error::AzureError;
use super::versions::{ApiVersion, Negotiated, with_fallback};
use super::wire::ConnectionData;

/// One `connectionData` answer and the version negotiated with the organization on the way.
#[derive(Clone, Debug)]
pub struct Connection {
    pub data: ConnectionData,
    pub version: Negotiated,
}

/// `GET {org}/_apis/connectionData?api-version={v}-preview.1`: the resource is preview-only, so a
/// released version would be refused (`VssInvalidPreviewVersionException`). Starts at `start`;
/// an older Server's `VssVersionOutOfRangeException` is retried once at the version it names.
/// The answer's `Content-Type: ...; api-version=X` confirms the version served.
pub async fn connection_data(
    client: &AzureClient,
    org_url: &Url,
    credential: &Credential,
    start: Negotiated,
) -> Result<Connection, AzureError> {
    let (answer, asked) = with_fallback(start, |v| async move {
        let version = v.connection_data().to_string();
        let url = api_url(org_url, "_apis/connectionData", &[("api-version", &version)])?;
        let raw = client.send(Call::get(url, credential)).await?;
        let data: ConnectionData = raw.json()?;
        Ok((data, served_version(&raw.headers)))
    })
    .await;
    let (data, served) = answer?;
    // Never above what was asked and accepted (an answer cannot raise the version).
    let lower = |s: &Negotiated| s.released().cmp_number(asked.released()).is_le();
    let version = served.map(Negotiated::from_served).filter(lower).unwrap_or(asked);
    Ok(Connection { data, version })
}

/// The `api-version` parameter of an answer's `Content-Type`.
pub fn served_version(headers: &reqwest::header::HeaderMap) -> Option<ApiVersion> {
    let content_type = headers.get(reqwest::header::CONTENT_TYPE)?.to_str().ok()?;
    content_type.split(';').find_map(|part| {
        let (k, v) = part.split_once('=')?;
        k.trim().eq_ignore_ascii_case("api-version").then(|| ApiVersion::parse(v)).flatten()
    })
}

/// The sign-in name (e.g. `dana@contoso.com`) the credential authenticates as on `org_url`.
pub async fn whoami(client: &AzureClient, org_url: &Url, credential: &Credential) -> Result<String, AzureError> {
    let data = connection_data(client, org_url, credential, Negotiated::LATEST).await?.data;
    let user = data.authenticated_user.unwrap_or_default();
    if user.is_anonymous() {
        return Err(AzureError::Unauthorized { expired: false });
    }
    Ok(user
        .account()
        .map(str::to_owned)
        .or(user.provider_display_name.clone())
        .unwrap_or_else(|| user.id.clone().unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};

    use super::*;

    #[test]
    fn the_served_version_is_read_from_the_content_type() {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8; api-version=7.0-preview.1"),
        );
        assert_eq!(served_version(&headers).map(|v| v.to_string()).as_deref(), Some("7.0-preview.1"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
        assert_eq!(served_version(&headers), None);
    }
}
