//! ORGANIZATION_TENANT: the OAuth app must live in the organization's own Entra tenant.
//!
//! Entra issues a user token in the tenant the authority names; Azure DevOps refuses one from
//! another tenant with 401 TF400813 (guest users included), so a mismatch is a failing check
//! (TENANT_MISMATCH). An organization backed by Microsoft accounts (all-zero tenant) is reported
//! as ORGANIZATION_PAT_ONLY, a warning: an all-zero answer was also seen for organizations whose
//! users sign in through a tenant, so the tenant an administrator configured is kept and used.

use url::Url;

use crate::azure::client::AzureClient;
use crate::azure::tenant::{self, OrgTenant, TenantError};
use crate::azure::verification::{CheckName, VerificationCheck, VerificationCode};

/// Compares the app's tenant (a GUID, or the discovery issuer's GUID for a domain) with the
/// organization's resource tenant.
pub(super) async fn check_org_tenant(
    client: &AzureClient,
    org_url: &Url,
    configured: &str,
    issuer_tenant: Option<&str>,
) -> VerificationCheck {
    let org = tenant::discover(client, org_url).await;
    judge(org, configured, issuer_tenant)
}

fn judge(org: Result<OrgTenant, TenantError>, configured: &str, issuer_tenant: Option<&str>) -> VerificationCheck {
    let name = CheckName::OrganizationTenant;
    let pass = |message: String| VerificationCheck { name, ok: true, code: None, message };
    let fail = |code, message: String| VerificationCheck { name, ok: false, code: Some(code), message };
    let org = match org {
        Ok(org) => org,
        Err(error) => {
            tracing::info!(%error, "organization tenant unknown; not compared");
            return pass(format!("The organization's Entra tenant could not be determined ({error}); not compared."));
        }
    };
    let app = match uuid::Uuid::try_parse(configured) {
        Ok(id) => Some(id.hyphenated().to_string()),
        Err(_) => issuer_tenant.map(str::to_ascii_lowercase),
    };
    match (org, app) {
        (OrgTenant::MicrosoftAccounts, _) => fail(
            VerificationCode::OrganizationPatOnly,
            format!(
                "The organization reports that it is backed by Microsoft accounts (tenant {}): Entra ID apps \
                 cannot sign its users in, so users can connect with personal access tokens only. The configured \
                 tenant {configured} is used as given.",
                tenant::ZERO_TENANT
            ),
        ),
        (OrgTenant::Entra(org), Some(app)) if org == app => {
            pass(format!("The OAuth app is registered in the organization's tenant {org}."))
        }
        (OrgTenant::Entra(org), Some(app)) => fail(
            VerificationCode::TenantMismatch,
            format!(
                "The OAuth app's tenant {app} is not the organization's tenant {org}: Azure DevOps refuses users' \
                 tokens from another tenant (401 TF400813)."
            ),
        ),
        (OrgTenant::Entra(org), None) => pass(format!(
            "The organization's tenant is {org}; the app's tenant {configured} could not be resolved to compare."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG: &str = "3e1f2a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b";
    const OTHER: &str = "99999999-8888-7777-6666-555555555555";

    #[test]
    fn the_same_tenant_passes_whatever_its_spelling() {
        let c = judge(Ok(OrgTenant::Entra(ORG.into())), &ORG.to_uppercase(), None);
        assert!(c.ok, "{c:?}");
        let by_domain = judge(Ok(OrgTenant::Entra(ORG.into())), "contoso.onmicrosoft.com", Some(ORG));
        assert!(by_domain.ok, "{by_domain:?}");
    }

    #[test]
    fn another_tenant_is_a_failing_mismatch_naming_both() {
        let c = judge(Ok(OrgTenant::Entra(ORG.into())), OTHER, None);
        assert_eq!((c.ok, c.code), (false, Some(VerificationCode::TenantMismatch)));
        assert!(c.message.contains(ORG) && c.message.contains(OTHER), "{}", c.message);
        assert!(!c.name.is_advisory());
    }

    #[test]
    fn a_microsoft_account_organization_is_a_pat_only_warning() {
        let c = judge(Ok(OrgTenant::MicrosoftAccounts), ORG, None);
        assert_eq!(c.code, Some(VerificationCode::OrganizationPatOnly));
        assert!(VerificationCode::OrganizationPatOnly.is_warning());
    }

    #[test]
    fn an_unknown_organization_tenant_is_not_held_against_the_app() {
        assert!(judge(Err(TenantError::NotAdvertised), ORG, None).ok);
    }
}
