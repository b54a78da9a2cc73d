//! An OAuth app's tenant, filled from the organization's resource tenant when the input names
//! none (neither `tenantId` nor `issuerUrl`): Azure DevOps accepts user tokens from that tenant only.

use crate::azure::tenant::{self, OrgTenant};
use crate::domain::OrganizationUrl;
use crate::domain::flavor::Flavor;
use crate::domain::oauth_app::OAuthAppFields;
use crate::error::ApiError;
use crate::state::AppState;

use super::parse::check_upstream;

const FIELD: &str = "oauthApp.tenantId";

/// Sets `fields.tenant_id` to the organization's tenant when it is missing. Leaves invalid
/// organization URLs and Server collections alone: parsing the input reports those.
pub async fn fill_tenant(
    state: &AppState,
    organization_url: &str,
    flavor: Option<Flavor>,
    fields: &mut OAuthAppFields,
) -> Result<(), ApiError> {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if !blank(&fields.tenant_id) || !blank(&fields.issuer_url) {
        return Ok(());
    }
    let Ok(org) = OrganizationUrl::parse(organization_url, flavor) else { return Ok(()) };
    if org.flavor() != Flavor::Services || check_upstream(&org, state.config.allow_private_upstreams).is_err() {
        return Ok(());
    }
    match tenant::discover(&state.azure, org.url()).await {
        Ok(OrgTenant::Entra(id)) => {
            tracing::info!(org = %org.url(), tenant = %id, "OAuth app tenant filled from the organization");
            fields.tenant_id = Some(id);
            Ok(())
        }
        Ok(OrgTenant::MicrosoftAccounts) => Err(ApiError::validation(
            FIELD,
            format!(
                "is required: the organization {} is backed by Microsoft accounts, not an Entra tenant \
                 (ORGANIZATION_PAT_ONLY), and Entra ID apps cannot sign its users in to Azure DevOps",
                org.organization()
            ),
            Some(
                "use personal access tokens for this organization; if its users do sign in through an Entra \
                 tenant, send that tenant's Directory (tenant) ID as tenantId",
            ),
        )),
        Err(error) => Err(ApiError::validation(
            FIELD,
            format!("is required: the organization's Entra tenant could not be discovered ({error})"),
            Some(
                "send tenantId: the Directory (tenant) ID the organization is connected to (Organization \
                 settings > Microsoft Entra in Azure DevOps), which is also where the app must be registered",
            ),
        )),
    }
}
