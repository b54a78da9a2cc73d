//! An OAuth app settled for an organization: its tenant filled from the organization's resource
//! tenant when the input names none (neither `tenantId` nor `issuerUrl`; Azure DevOps accepts user
//! tokens from that tenant only), then parsed and its endpoints checked.

use crate::azure::tenant::{self, OrgTenant};
use crate::domain::OrganizationUrl;
use crate::domain::app_identity::AppIdentity;
use crate::domain::flavor::Flavor;
use crate::domain::oauth_app::{OAuthApp, OAuthAppFields};
use crate::error::ApiError;
use crate::integrations::Integrations;

use super::policy::{check_oauth_hosts, check_oauth_urls, check_upstream};

const FIELD: &str = "oauthApp.tenantId";

/// The OAuth app `fields` describe, for organization `org`.
pub async fn oauth_app(
    state: &Integrations,
    org: &OrganizationUrl,
    mut fields: OAuthAppFields,
) -> Result<OAuthApp, ApiError> {
    fill_tenant(state, org, &mut fields).await?;
    let app = OAuthApp::parse(fields, state.entra_authority())?;
    check_oauth_urls(&app, state.config.allow_private_upstreams)?;
    check_oauth_hosts(&app, state.entra_authority(), state.config.allow_custom_oauth_hosts)?;
    Ok(app)
}

/// Sets `fields.tenant_id` to the organization's tenant when it is missing. Leaves Server
/// collections alone: parsing the app reports the missing tenant.
async fn fill_tenant(state: &Integrations, org: &OrganizationUrl, fields: &mut OAuthAppFields) -> Result<(), ApiError> {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if !blank(&fields.tenant_id) || !blank(&fields.issuer_url) {
        return Ok(());
    }
    if org.flavor() != Flavor::Services || check_upstream(org, state.config.allow_private_upstreams).is_err() {
        return Ok(());
    }
    fields.tenant_id = Some(discover(state, org, FIELD).await?);
    Ok(())
}

/// The app identity's tenant: the one given, else the organization's resource tenant.
pub async fn app_identity_tenant(
    state: &Integrations,
    org: &OrganizationUrl,
    identity: &AppIdentity,
) -> Result<String, ApiError> {
    if org.flavor() != Flavor::Services {
        return Err(ApiError::validation(
            "appIdentity",
            "app identities exist for Azure DevOps Services only",
            Some("use a personal access token for Azure DevOps Server"),
        ));
    }
    match &identity.tenant_id {
        Some(tenant) => Ok(tenant.as_str().to_owned()),
        None => discover(state, org, "appIdentity.tenantId").await,
    }
}

/// The organization's Entra tenant, or a VALIDATION error on `field` saying why there is none.
async fn discover(state: &Integrations, org: &OrganizationUrl, field: &str) -> Result<String, ApiError> {
    match tenant::discover(&state.azure, org.url()).await {
        Ok(OrgTenant::Entra(id)) => {
            tracing::info!(org = %org.url(), tenant = %id, field, "tenant filled from the organization");
            Ok(id)
        }
        Ok(OrgTenant::MicrosoftAccounts) => Err(ApiError::validation(
            field,
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
            field,
            format!("is required: the organization's Entra tenant could not be discovered ({error})"),
            Some(
                "send tenantId: the Directory (tenant) ID the organization is connected to (Organization \
                 settings > Microsoft Entra in Azure DevOps), which is also where the app must be registered",
            ),
        )),
    }
}
