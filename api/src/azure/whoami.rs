//! Who a credential is: `connectionData`'s authenticated user (AZURE-DEVOPS-WIRE.md §3.1).

use url::Url;

use super::client::{AzureClient, Credential};
use super::error::AzureError;
use super::wire::ConnectionData;

/// The sign-in name (e.g. `dana@contoso.com`) the credential authenticates as on `org_url`.
/// No api-version is sent: every Services and Server version answers that form.
pub async fn whoami(client: &AzureClient, org_url: &Url, credential: &Credential) -> Result<String, AzureError> {
    let data: ConnectionData = client.get_json(org_url, "_apis/connectionData", &[], credential).await?;
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
