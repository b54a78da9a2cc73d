//! `VerificationCode` and `CheckName` as GraphQL enums, mirroring the verification's own
//! (`azure::verification`, which knows no GraphQL): the values are the codes' strings, so a
//! client that compared strings reads the same JSON.

use async_graphql::Enum;

use crate::azure::verification as v;

/// A verification's outcome code: `OK`, or why it failed (docs/troubleshooting.md says what to do).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "v::VerificationCode")]
pub enum VerificationCode {
    /// Every required check passed.
    Ok,
    /// Azure DevOps rejected the personal access token: it is wrong, revoked, or belongs to another
    /// organization.
    PatInvalid,
    /// The personal access token has expired.
    PatExpired,
    /// The personal access token works but lacks a scope vcslink needs.
    PatInsufficientScope,
    /// No Azure DevOps organization (or Server collection) answers at the organization URL.
    OrganizationNotFound,
    /// Microsoft Entra ID rejected the OAuth app's client ID or client secret (wrong, expired, or
    /// unknown app).
    OauthInvalidClient,
    /// Microsoft Entra ID does not know the tenant of the OAuth app.
    OauthTenantNotFound,
    /// The organization does not allow third-party applications to access it via OAuth.
    OauthPolicyDisabled,
    /// vcslink could not reach the server (connection refused, timeout, TLS or DNS failure, or a
    /// blocked private address).
    UpstreamUnreachable,
    /// Azure DevOps is throttling requests for this identity.
    UpstreamRateLimited,
    /// The Azure DevOps Server answers with URLs on localhost: its public URL is misconfigured.
    ServerUrlPointsToLocalhost,
    /// The OAuth app or app identity is registered in another Entra tenant than the one the
    /// organization is connected to: tokens from that tenant are refused by Azure DevOps (401
    /// TF400813).
    TenantMismatch,
    /// The organization is backed by Microsoft accounts, not an Entra tenant: Entra ID apps cannot
    /// sign its users in to Azure DevOps, so only personal access tokens work (a warning when an
    /// administrator configured a tenant, which is then used).
    OrganizationPatOnly,
    /// A Conditional Access or cross-tenant access policy of the Entra tenant blocks the sign-in
    /// (AADSTS53003, 500212, 500213).
    ConditionalAccessBlocked,
    /// The personal access token is a global one ("All accessible organizations"): Azure DevOps
    /// Services stopped accepting global tokens on 2026-12-01.
    PatGlobalRetired,
    /// Microsoft Entra ID refused the app identity's client ID or client secret (wrong, expired, or
    /// an app registered in another tenant).
    AppIdentityInvalidClient,
    /// Entra ID granted the app identity a token, but its service principal is not a member of the
    /// Azure DevOps organization (Azure DevOps refuses the token).
    AppIdentityNotOrgMember,
    /// The app identity is a member of the organization with an access level that cannot use Repos
    /// (Stakeholder): Azure DevOps answers TF401019 on repositories.
    AppIdentityInsufficientLicense,
    /// Microsoft Entra ID refused the app identity's certificate assertion: the certificate is not
    /// uploaded to the app registration, was removed or expired, or the key does not match it.
    AppIdentityCertificateInvalid,
    /// Microsoft Entra ID found no federated credential on the app matching vcslink's assertion
    /// (issuer, subject and audience are matched exactly; the message names them), or could not
    /// read vcslink's keys at the issuer.
    AppIdentityFederationMismatch,
    /// The host's managed identity endpoint gave no token for the identity (not running on Azure,
    /// the identity is not assigned to this host, the endpoint is unreachable, or AKS's token file
    /// cannot be read).
    ManagedIdentityUnavailable,
    /// A credential of the integration expires within 30 days (a warning: it still works).
    CredentialExpiresSoon,
}

/// A step of a verification, in the order steps run.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "v::CheckName")]
pub enum CheckName {
    /// The organization answers at its URL (`connectionData`).
    OrganizationReachable,
    /// The personal access token (or app identity token) is accepted, and whose it is.
    CredentialValid,
    /// The credential sees the projects in scope (`accessibleProjects`, else every project).
    ProjectsVisible,
    /// SERVER only: the URLs the server hands out use a host clients can reach.
    ServerPublicUrl,
    /// Advisory: the credential may push and create pull requests (Code write).
    CodeWrite,
    /// Advisory: the credential may create and edit service hook subscriptions.
    ServiceHooksManage,
    /// The OAuth app's client id and secret are accepted by Microsoft Entra ID.
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

#[cfg(test)]
mod tests {
    use async_graphql::EnumType;

    use super::*;

    #[test]
    fn the_graphql_names_are_the_codes_strings() {
        for code in v::VerificationCode::ALL {
            let mirrored: VerificationCode = (*code).into();
            assert_eq!(
                VerificationCode::items().iter().find(|i| i.value == mirrored).map(|i| i.name),
                Some(code.as_str())
            );
        }
        for name in v::CheckName::ALL {
            let mirrored: CheckName = (*name).into();
            assert_eq!(CheckName::items().iter().find(|i| i.value == mirrored).map(|i| i.name), Some(name.as_str()));
        }
    }
}
