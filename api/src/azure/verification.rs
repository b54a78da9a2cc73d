//! Verification results and THE code table: code → cause → hint a person can act on.
//!
//! The table in [`VerificationCode::entry`] is the only source of hints; the docs generator
//! renders it as the troubleshooting table (iterate [`VerificationCode::ALL`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

/// The outcome of verifying an integration. Stored as JSON and shown as the GraphQL `Verification`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Verification {
    /// Every required check passed (advisory checks do not count).
    pub ok: bool,
    pub checked_at: DateTime<Utc>,
    /// The first failing required check's code, else `OK`.
    pub code: VerificationCode,
    /// One sentence for a person.
    pub message: String,
    /// What to do about `code`, from the code table; `None` when ok.
    pub hint: Option<String>,
    /// The account the credential signed in as (PAT only).
    pub authenticated_as: Option<String>,
    /// Projects the credential sees; `None` when not counted or too many to count cheaply.
    pub project_count: Option<i32>,
    pub checks: Vec<VerificationCheck>,
    /// The api-version negotiated with the organization (e.g. `7.0` on Server 2022), so later
    /// calls start there; `None` when `connectionData` did not answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The identity Azure DevOps saw the app identity as (its `connectionData`
    /// `authenticatedUser`), when the app identity was checked and is a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_identity_as: Option<String>,
}

/// One step of a verification.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct VerificationCheck {
    pub name: CheckName,
    pub ok: bool,
    /// Why it failed (`None` when ok, or when an advisory check could not be determined).
    pub code: Option<VerificationCode>,
    pub message: String,
}

/// The steps of a verification, in the order they run.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CheckName {
    OrganizationReachable,
    CredentialValid,
    ProjectsVisible,
    /// SERVER only: the URLs the server hands out use a host clients can reach.
    ServerPublicUrl,
    CodeWrite,
    ServiceHooksManage,
    OauthAppValid,
    /// Services with an OAuth app: the app lives in the organization's own Entra tenant.
    OrganizationTenant,
    /// An app identity: Entra grants it a token for Azure DevOps.
    AppIdentityToken,
    /// An app identity: its service principal is a member of the organization.
    AppIdentityMember,
    /// An app identity: its access level lets it use Repos (Basic, not Stakeholder).
    AppIdentityAccessLevel,
    /// A credential with a known expiry (a certificate) is not about to expire.
    CredentialExpiry,
}

impl CheckName {
    pub const ALL: &'static [CheckName] = &[
        CheckName::OrganizationReachable,
        CheckName::CredentialValid,
        CheckName::ProjectsVisible,
        CheckName::ServerPublicUrl,
        CheckName::CodeWrite,
        CheckName::ServiceHooksManage,
        CheckName::OauthAppValid,
        CheckName::OrganizationTenant,
        CheckName::AppIdentityToken,
        CheckName::AppIdentityMember,
        CheckName::AppIdentityAccessLevel,
        CheckName::CredentialExpiry,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckName::OrganizationReachable => "ORGANIZATION_REACHABLE",
            CheckName::CredentialValid => "CREDENTIAL_VALID",
            CheckName::ProjectsVisible => "PROJECTS_VISIBLE",
            CheckName::ServerPublicUrl => "SERVER_PUBLIC_URL",
            CheckName::CodeWrite => "CODE_WRITE",
            CheckName::ServiceHooksManage => "SERVICE_HOOKS_MANAGE",
            CheckName::OauthAppValid => "OAUTH_APP_VALID",
            CheckName::OrganizationTenant => "ORGANIZATION_TENANT",
            CheckName::AppIdentityToken => "APP_IDENTITY_TOKEN",
            CheckName::AppIdentityMember => "APP_IDENTITY_MEMBER",
            CheckName::AppIdentityAccessLevel => "APP_IDENTITY_ACCESS_LEVEL",
            CheckName::CredentialExpiry => "CREDENTIAL_EXPIRY",
        }
    }

    /// Advisory checks are reported but never make a verification fail.
    pub fn is_advisory(self) -> bool {
        matches!(self, CheckName::CodeWrite | CheckName::ServiceHooksManage)
    }
}

/// Machine-readable verification outcome (DESIGN.md "Errors").
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VerificationCode {
    Ok,
    PatInvalid,
    PatExpired,
    PatInsufficientScope,
    OrganizationNotFound,
    OauthInvalidClient,
    OauthTenantNotFound,
    OauthPolicyDisabled,
    UpstreamUnreachable,
    UpstreamRateLimited,
    ServerUrlPointsToLocalhost,
    TenantMismatch,
    OrganizationPatOnly,
    ConditionalAccessBlocked,
    PatGlobalRetired,
    AppIdentityInvalidClient,
    AppIdentityNotOrgMember,
    AppIdentityInsufficientLicense,
    AppIdentityCertificateInvalid,
    AppIdentityFederationMismatch,
    ManagedIdentityUnavailable,
    CredentialExpiresSoon,
}

/// One row of the code table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeEntry {
    pub code: &'static str,
    /// What went wrong, for a person.
    pub cause: &'static str,
    /// What to do; `None` for `OK`. May contain `https://dev.azure.com/{organization}`, which
    /// [`VerificationCode::hint_for`] replaces with the organization URL.
    pub hint: Option<&'static str>,
}

/// The placeholder in hints that [`VerificationCode::hint_for`] fills in.
const ORG_PLACEHOLDER: &str = "https://dev.azure.com/{organization}";

impl VerificationCode {
    pub const ALL: &'static [VerificationCode] = &[
        VerificationCode::Ok,
        VerificationCode::PatInvalid,
        VerificationCode::PatExpired,
        VerificationCode::PatInsufficientScope,
        VerificationCode::OrganizationNotFound,
        VerificationCode::OauthInvalidClient,
        VerificationCode::OauthTenantNotFound,
        VerificationCode::OauthPolicyDisabled,
        VerificationCode::UpstreamUnreachable,
        VerificationCode::UpstreamRateLimited,
        VerificationCode::ServerUrlPointsToLocalhost,
        VerificationCode::TenantMismatch,
        VerificationCode::OrganizationPatOnly,
        VerificationCode::ConditionalAccessBlocked,
        VerificationCode::PatGlobalRetired,
        VerificationCode::AppIdentityInvalidClient,
        VerificationCode::AppIdentityNotOrgMember,
        VerificationCode::AppIdentityInsufficientLicense,
        VerificationCode::AppIdentityCertificateInvalid,
        VerificationCode::AppIdentityFederationMismatch,
        VerificationCode::ManagedIdentityUnavailable,
        VerificationCode::CredentialExpiresSoon,
    ];

    /// THE code table.
    pub fn entry(self) -> CodeEntry {
        let (code, cause, hint) = match self {
            VerificationCode::Ok => ("OK", "Every required check passed.", None),
            VerificationCode::PatInvalid => (
                "PAT_INVALID",
                "Azure DevOps rejected the personal access token: it is wrong, revoked, or belongs to another organization.",
                Some(concat!(
                    "Create a new personal access token at https://dev.azure.com/{organization}/_usersSettings/tokens \
                     for this organization (Azure DevOps Services stopped accepting global \"All accessible \
                     organizations\" tokens on 2026-12-01), with scopes ",
                    crate::pat_scopes_text!(),
                    ", and paste it into personalAccessToken."
                )),
            ),
            VerificationCode::PatGlobalRetired => (
                "PAT_GLOBAL_RETIRED",
                "The personal access token is a global one (\"All accessible organizations\"): Azure DevOps Services \
                 stopped accepting global tokens on 2026-12-01.",
                Some(concat!(
                    "Create an organization-scoped personal access token at \
                     https://dev.azure.com/{organization}/_usersSettings/tokens (Organization: this one), with scopes ",
                    crate::pat_scopes_text!(),
                    ", and paste it into personalAccessToken."
                )),
            ),
            VerificationCode::PatExpired => (
                "PAT_EXPIRED",
                "The personal access token has expired.",
                Some(
                    "Regenerate the token (or create a new one) at https://dev.azure.com/{organization}/_usersSettings/tokens \
                     with a later expiration date, and paste it into personalAccessToken.",
                ),
            ),
            VerificationCode::PatInsufficientScope => (
                "PAT_INSUFFICIENT_SCOPE",
                "The personal access token works but lacks a scope vcslink needs.",
                Some(concat!(
                    "Edit the token at https://dev.azure.com/{organization}/_usersSettings/tokens (or create a new one) \
                     with the scopes ",
                    crate::pat_scopes_text!(),
                    "; the user also needs Contribute on the repositories. Then verify again."
                )),
            ),
            VerificationCode::OrganizationNotFound => (
                "ORGANIZATION_NOT_FOUND",
                "No Azure DevOps organization (or Server collection) answers at the organization URL.",
                Some(
                    "Check the organization URL: https://dev.azure.com/{organization} for Azure DevOps Services \
                     (the name after dev.azure.com/ in your browser), or https://{server}/{collection} for \
                     Azure DevOps Server.",
                ),
            ),
            VerificationCode::OauthInvalidClient => (
                "OAUTH_INVALID_CLIENT",
                "Microsoft Entra ID rejected the OAuth app's client ID or client secret (wrong, expired, or unknown app).",
                Some(
                    "In the Entra admin center (App registrations > your app), check the Application (client) ID, \
                     and under Certificates & secrets create a new client secret and use its Value, not its Secret ID.",
                ),
            ),
            VerificationCode::OauthTenantNotFound => (
                "OAUTH_TENANT_NOT_FOUND",
                "Microsoft Entra ID does not know the tenant of the OAuth app.",
                Some(
                    "Use the Directory (tenant) ID shown on the app's Overview page in the Entra admin center \
                     (a GUID, or a verified domain such as contoso.onmicrosoft.com) as tenantId.",
                ),
            ),
            VerificationCode::OauthPolicyDisabled => (
                "OAUTH_POLICY_DISABLED",
                "The organization does not allow third-party applications to access it via OAuth.",
                Some(
                    "An organization administrator turns on \"Third-party application access via OAuth\" at \
                     https://dev.azure.com/{organization}/_settings/organizationPolicy, then users authorize again.",
                ),
            ),
            VerificationCode::UpstreamUnreachable => (
                "UPSTREAM_UNREACHABLE",
                "vcslink could not reach the server (connection refused, timeout, TLS or DNS failure, or a blocked private address).",
                Some(
                    "Check that the host in the organization URL is reachable from the vcslink server (firewall, proxy, \
                     TLS certificate); for a private or http:// address, an operator sets \
                     VCSLINK_ALLOW_PRIVATE_UPSTREAMS=true. Then verify again.",
                ),
            ),
            VerificationCode::UpstreamRateLimited => (
                "UPSTREAM_RATE_LIMITED",
                "Azure DevOps is throttling requests for this identity.",
                Some(
                    "Wait the number of seconds Azure DevOps asked for (Retry-After, in the message), then verify \
                     again; spread out automated calls made with the same identity.",
                ),
            ),
            VerificationCode::ServerUrlPointsToLocalhost => (
                "SERVER_URL_POINTS_TO_LOCALHOST",
                "The Azure DevOps Server answers with URLs on localhost: its public URL is misconfigured.",
                Some(
                    "Set the Public URL of your Azure DevOps Server in the Administration Console \
                     (Application Tier > Change Public URL) to the address clients use, e.g. https://ado.example.com/.",
                ),
            ),
            VerificationCode::TenantMismatch => (
                "TENANT_MISMATCH",
                "The OAuth app or app identity is registered in another Entra tenant than the one the \
                 organization is connected to: tokens from that tenant are refused by Azure DevOps (401 TF400813).",
                Some(
                    "Register the app in the organization's tenant (shown in the message; Organization settings > \
                     Microsoft Entra at https://dev.azure.com/{organization}/_settings/organizationAad), or omit \
                     tenantId (oauthApp.tenantId, appIdentity.tenantId) so vcslink uses the organization's tenant.",
                ),
            ),
            VerificationCode::OrganizationPatOnly => (
                "ORGANIZATION_PAT_ONLY",
                "The organization is backed by Microsoft accounts, not an Entra tenant: Entra ID apps cannot \
                 sign its users in to Azure DevOps, so only personal access tokens work (a warning when an \
                 administrator configured a tenant, which is then used).",
                Some(
                    "Use personal access tokens (personalAccessToken, setPersonalAccessToken), or connect the \
                     organization to an Entra tenant at https://dev.azure.com/{organization}/_settings/organizationAad \
                     and verify again.",
                ),
            ),
            VerificationCode::AppIdentityInvalidClient => (
                "APP_IDENTITY_INVALID_CLIENT",
                "Microsoft Entra ID refused the app identity's client ID or client secret (wrong, expired, or an \
                 app registered in another tenant).",
                Some(
                    "In the Entra admin center (App registrations > the app), check the Application (client) ID \
                     and that the app lives in the organization's tenant; under Certificates & secrets create a new \
                     client secret and pass its Value as appIdentity.clientSecret.",
                ),
            ),
            VerificationCode::AppIdentityNotOrgMember => (
                "APP_IDENTITY_NOT_ORG_MEMBER",
                "Entra ID granted the app identity a token, but its service principal is not a member of the \
                 Azure DevOps organization (Azure DevOps refuses the token).",
                Some(
                    "Add the service principal at https://dev.azure.com/{organization}/_settings/users (Add users: \
                     search the app's name) with access level Basic and the projects it needs, or with \
                     POST https://vsaex.dev.azure.com/{org}/_apis/serviceprincipalentitlements using the service \
                     principal's object id (Enterprise applications, not the app registration's object id; the \
                     message names it). Then verify again.",
                ),
            ),
            VerificationCode::AppIdentityInsufficientLicense => (
                "APP_IDENTITY_INSUFFICIENT_LICENSE",
                "The app identity is a member of the organization with an access level that cannot use Repos \
                 (Stakeholder): Azure DevOps answers TF401019 on repositories.",
                Some(
                    "Change the service principal's access level to Basic at \
                     https://dev.azure.com/{organization}/_settings/users, then verify again.",
                ),
            ),
            VerificationCode::AppIdentityCertificateInvalid => (
                "APP_IDENTITY_CERTIFICATE_INVALID",
                "Microsoft Entra ID refused the app identity's certificate assertion: the certificate is not \
                 uploaded to the app registration, was removed or expired, or the key does not match it.",
                Some(
                    "In the Entra admin center (App registrations > the app > Certificates & secrets > \
                     Certificates) upload the certificate's public part (.cer or .pem) and pass the same \
                     certificate with its private key as appIdentity.certificate; then verify again.",
                ),
            ),
            VerificationCode::AppIdentityFederationMismatch => (
                "APP_IDENTITY_FEDERATION_MISMATCH",
                "Microsoft Entra ID found no federated credential on the app matching vcslink's assertion \
                 (issuer, subject and audience are matched exactly; the message names them), or could not \
                 read vcslink's keys at the issuer.",
                Some(
                    "In the Entra admin center (App registrations > the app > Certificates & secrets > Federated \
                     credentials > Other issuer) add the issuer, subject and audience shown in \
                     appIdentity.federatedCredential, character for character; the issuer must serve \
                     /.well-known/openid-configuration over public HTTPS. A new credential takes a few minutes \
                     to apply: then verify again.",
                ),
            ),
            VerificationCode::ManagedIdentityUnavailable => (
                "MANAGED_IDENTITY_UNAVAILABLE",
                "The host's managed identity endpoint gave no token for the identity (not running on Azure, \
                 the identity is not assigned to this host, the endpoint is unreachable, or AKS's token file \
                 cannot be read).",
                Some(
                    "Assign the user-assigned managed identity to the VM, scale set or App Service that runs vcslink \
                     (Identity > User assigned), pass its client id as appIdentity.clientId, and check \
                     VCSLINK_MANAGED_IDENTITY_ENDPOINT (default: App Service's IDENTITY_ENDPOINT, else IMDS). \
                     On AKS, enable workload identity on the pod (label azure.workload.identity/use: \"true\"): \
                     AZURE_FEDERATED_TOKEN_FILE must name a readable token file.",
                ),
            ),
            VerificationCode::CredentialExpiresSoon => (
                "CREDENTIAL_EXPIRES_SOON",
                "A credential of the integration expires within 30 days (a warning: it still works).",
                Some(
                    "Create a new certificate or secret, add it to the app registration, and update the \
                     integration with it before the old one expires.",
                ),
            ),
            VerificationCode::ConditionalAccessBlocked => (
                "CONDITIONAL_ACCESS_BLOCKED",
                "A Conditional Access or cross-tenant access policy of the Entra tenant blocks the sign-in \
                 (AADSTS53003, 500212, 500213).",
                Some(
                    "Signing in again does not help until an Entra administrator changes the policy (Entra admin \
                     center > Protection > Conditional Access, or External Identities > Cross-tenant access \
                     settings); the sign-in logs show which policy applied. Then verify or connect again.",
                ),
            ),
        };
        CodeEntry { code, cause, hint }
    }

    pub fn as_str(self) -> &'static str {
        self.entry().code
    }

    pub fn cause(self) -> &'static str {
        self.entry().cause
    }

    /// The generic hint (as in the troubleshooting table).
    pub fn hint(self) -> Option<&'static str> {
        self.entry().hint
    }

    /// The hint for one organization: its URL in place of `https://dev.azure.com/{organization}`,
    /// and for `UPSTREAM_RATE_LIMITED` the seconds to wait when Azure DevOps said.
    /// `ORGANIZATION_NOT_FOUND` keeps the template (the URL given is the one that failed).
    pub fn hint_for(self, org_url: &Url, retry_after_secs: Option<u64>) -> Option<String> {
        let hint = self.hint()?;
        let org = org_url.as_str().trim_end_matches('/');
        Some(match (self, retry_after_secs) {
            (VerificationCode::UpstreamRateLimited, Some(secs)) => {
                format!("Retry after {secs} seconds; spread out automated calls made with the same identity.")
            }
            (VerificationCode::OrganizationNotFound, _) => {
                format!("Nothing answers as an organization at {org}. {hint}")
            }
            _ => hint.replace(ORG_PLACEHOLDER, org),
        })
    }

    /// A warning: reported on its check but never makes a verification fail.
    pub fn is_warning(self) -> bool {
        matches!(self, VerificationCode::OrganizationPatOnly | VerificationCode::CredentialExpiresSoon)
    }

    pub fn parse(s: &str) -> Option<VerificationCode> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_cause_and_every_failure_a_hint() {
        for code in VerificationCode::ALL {
            assert!(!code.cause().is_empty());
            assert_eq!(code.hint().is_none(), *code == VerificationCode::Ok, "{code:?}");
            assert_eq!(VerificationCode::parse(code.as_str()), Some(*code));
        }
    }

    #[test]
    fn codes_serialise_as_their_table_names() {
        for code in VerificationCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(code.as_str()));
        }
        for name in CheckName::ALL {
            assert_eq!(serde_json::to_value(name).unwrap(), serde_json::json!(name.as_str()));
        }
    }

    #[test]
    fn hints_name_the_organization() {
        let org = Url::parse("https://dev.azure.com/contoso").unwrap();
        let hint = VerificationCode::PatInvalid.hint_for(&org, None).unwrap();
        assert!(hint.contains("https://dev.azure.com/contoso/_usersSettings/tokens"), "{hint}");
        let server = Url::parse("https://ado.example.com/DefaultCollection").unwrap();
        let hint = VerificationCode::PatExpired.hint_for(&server, None).unwrap();
        assert!(hint.contains("https://ado.example.com/DefaultCollection/_usersSettings/tokens"), "{hint}");
    }

    #[test]
    fn the_organization_not_found_hint_keeps_the_expected_form() {
        let org = Url::parse("https://dev.azure.com/contsoo").unwrap();
        let hint = VerificationCode::OrganizationNotFound.hint_for(&org, None).unwrap();
        assert!(hint.starts_with("Nothing answers as an organization at https://dev.azure.com/contsoo."));
        assert!(hint.contains("Check the organization URL: https://dev.azure.com/{organization}"));
    }

    #[test]
    fn the_rate_limit_hint_says_how_long_to_wait() {
        let org = Url::parse("https://dev.azure.com/contoso").unwrap();
        let hint = VerificationCode::UpstreamRateLimited.hint_for(&org, Some(30)).unwrap();
        assert!(hint.starts_with("Retry after 30 seconds"), "{hint}");
    }
}
