//! The app identity's steps: Entra grants it a token (APP_IDENTITY_TOKEN), Azure DevOps takes the
//! token, so its service principal is a member of the organization (APP_IDENTITY_MEMBER), and its
//! access level lets it read repositories (APP_IDENTITY_ACCESS_LEVEL; Stakeholder gets TF401019).
//! docs/azure-devops-wire.md §6.1–§6.2.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};

use super::Run;
use crate::azure::app_token::{self, AppIdentityCredentials, ClientProof};
use crate::azure::client::{Credential, api_url};
use crate::azure::entra::{EntraErrorClass, EntraFailure, GrantError};
use crate::azure::error::AzureError;
use crate::azure::managed_identity::Endpoint;
use crate::azure::tenant::OrgTenant;
use crate::azure::verification::{CheckName, VerificationCode};
use crate::azure::wire::ConnectionData;

/// How long before a credential expires verification warns.
const EXPIRY_WARNING_DAYS: i64 = 30;

impl Run<'_> {
    /// Runs the app identity's steps; the token and its `connectionData` when every one passed.
    pub(super) async fn app_identity_checks(
        &mut self,
        app: &AppIdentityCredentials,
    ) -> Option<(Credential, ConnectionData)> {
        let token = match app_token::token(self.client, app).await {
            Ok(token) => token,
            Err(error) => {
                self.token_refused(app, &error).await;
                return None;
            }
        };
        self.pass(CheckName::AppIdentityToken, format!("Microsoft Entra ID granted app {} a token.", app.client_id));
        if let Some(expires_at) = app.credential_expires_at {
            self.credential_expiry(expires_at, chrono::Utc::now());
        }
        let credential = Credential::Bearer(token.clone());
        let data = match self.connection_data(&credential).await {
            Ok(data) => {
                let user = data.authenticated_user.clone().unwrap_or_default();
                self.app_identity_as = user.account().map(str::to_owned).or(user.provider_display_name.clone());
                self.pass(CheckName::AppIdentityMember, "The service principal is a member of the organization.");
                data
            }
            Err(AzureError::Unauthorized { .. } | AzureError::Forbidden { .. }) => {
                if let Some(org) = self.other_tenant(app).await {
                    self.fail(
                        CheckName::AppIdentityMember,
                        Some(VerificationCode::TenantMismatch),
                        format!(
                            "The app identity's tenant {} is not the organization's tenant {org}: Azure DevOps \
                             refuses tokens from another tenant (401 TF400813). Omit appIdentity.tenantId to use \
                             the organization's tenant, with an app registered there.",
                            app.tenant_id
                        ),
                    );
                    return None;
                }
                let object_id = object_id(&token).unwrap_or_else(|| "(see Enterprise applications)".into());
                self.fail(
                    CheckName::AppIdentityMember,
                    Some(VerificationCode::AppIdentityNotOrgMember),
                    format!(
                        "Azure DevOps refused the token of app {}: its service principal (object id {object_id}, \
                         tenant {}) is not a member of the organization.",
                        app.client_id, app.tenant_id
                    ),
                );
                return None;
            }
            Err(error) => {
                self.fail_with(CheckName::OrganizationReachable, &error);
                return None;
            }
        };
        let version = self.api_version.clone();
        let probe = match api_url(&self.target.org_url, "_apis/git/repositories", &[("api-version", version.as_str())])
        {
            Ok(url) => self
                .client
                .send(crate::azure::Call::get(url, &credential))
                .await
                .and_then(|r| r.json::<serde_json::Value>()),
            Err(e) => Err(e),
        };
        match probe {
            Ok(_) => self.pass(CheckName::AppIdentityAccessLevel, "Its access level lets it use Repos."),
            Err(AzureError::NotFound { message }) => {
                self.fail(
                    CheckName::AppIdentityAccessLevel,
                    Some(VerificationCode::AppIdentityInsufficientLicense),
                    format!("The service principal cannot use Repos (Stakeholder access?): {message}"),
                );
                return None;
            }
            Err(error) => {
                self.fail_with(CheckName::AppIdentityAccessLevel, &error);
                return None;
            }
        }
        Some((credential, data))
    }

    /// The organization's tenant when it is known and is not the one the app identity asked.
    async fn other_tenant(&self, app: &AppIdentityCredentials) -> Option<String> {
        let asked = uuid::Uuid::try_parse(&app.tenant_id).ok()?.hyphenated().to_string();
        match crate::azure::tenant::discover(self.client, &self.target.org_url).await {
            Ok(OrgTenant::Entra(org)) if org != asked => Some(org),
            _ => None,
        }
    }

    /// CREDENTIAL_EXPIRY: a warning from 30 days before `expires_at`.
    fn credential_expiry(&mut self, expires_at: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) {
        let left = expires_at - now;
        if left > chrono::Duration::days(EXPIRY_WARNING_DAYS) {
            self.pass(
                CheckName::CredentialExpiry,
                format!("The certificate is valid until {}.", expires_at.date_naive()),
            );
        } else {
            self.fail(
                CheckName::CredentialExpiry,
                Some(VerificationCode::CredentialExpiresSoon),
                format!(
                    "The certificate expires on {} ({} days left).",
                    expires_at.date_naive(),
                    left.num_days().max(0)
                ),
            );
        }
    }

    async fn token_refused(&mut self, app: &AppIdentityCredentials, error: &GrantError) {
        let workload = match &self.client.config().managed_identity {
            Endpoint::Workload(workload) if matches!(app.proof, ClientProof::ManagedIdentity) => {
                Some(workload.service_account().await)
            }
            _ => None,
        };
        let (code, message) = match error {
            GrantError::Refused(f) if f.class == EntraErrorClass::BlockedByPolicy => (
                VerificationCode::ConditionalAccessBlocked,
                format!("A Microsoft Entra ID policy blocks app {} ({}: {}).", app.client_id, f.label(), f.description),
            ),
            GrantError::Refused(f) if f.class == EntraErrorClass::Transient => (
                VerificationCode::UpstreamUnreachable,
                format!("Microsoft Entra ID is temporarily unavailable ({}: {}).", f.label(), f.description),
            ),
            GrantError::Refused(f) if matches!(app.proof, ClientProof::ManagedIdentity) && workload.is_some() => {
                let pod = workload.unwrap_or_default();
                (
                    VerificationCode::AppIdentityFederationMismatch,
                    format!(
                        "Microsoft Entra ID refused the pod's service account token for app {} (issuer {}, \
                         subject {}, audience {}): {}: {}",
                        app.client_id,
                        pod.issuer,
                        pod.subject,
                        crate::oidc::assertion::AUDIENCE,
                        f.label(),
                        f.description
                    ),
                )
            }
            _ if matches!(app.proof, ClientProof::ManagedIdentity) => (
                VerificationCode::ManagedIdentityUnavailable,
                format!("The managed identity endpoint gave no token for {}: {error}", app.client_id),
            ),
            GrantError::Refused(f) => refused(app, f),
            GrantError::Call(e) => (
                VerificationCode::UpstreamUnreachable,
                format!("Microsoft Entra ID could not be asked for a token: {e}"),
            ),
        };
        self.fail(CheckName::AppIdentityToken, Some(code), message);
    }
}

/// The code and message of an Entra refusal, by how the identity proves itself.
fn refused(app: &AppIdentityCredentials, f: &EntraFailure) -> (VerificationCode, String) {
    let what = format!("{}: {}", f.label(), f.description);
    match &app.proof {
        ClientProof::Federated { who, .. } => (
            VerificationCode::AppIdentityFederationMismatch,
            format!(
                "Microsoft Entra ID refused the federated assertion of app {} (issuer {}, subject {}, audience {}): {what}",
                app.client_id,
                who.issuer,
                who.subject,
                crate::oidc::assertion::AUDIENCE
            ),
        ),
        ClientProof::Certificate { .. } => (
            VerificationCode::AppIdentityCertificateInvalid,
            format!("Microsoft Entra ID refused the certificate of app {} ({what}).", app.client_id),
        ),
        ClientProof::Secret(_) | ClientProof::ManagedIdentity | ClientProof::Assertion(_) => (
            VerificationCode::AppIdentityInvalidClient,
            format!("Microsoft Entra ID refused app {} ({what}).", app.client_id),
        ),
    }
}

/// The `oid` claim of an Entra access token, read for the message only (the token is not checked
/// here: Azure DevOps does that).
fn object_id(token: &SecretString) -> Option<String> {
    let payload = token.expose_secret().split('.').nth(1)?;
    let claims: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    claims.get("oid")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};

    use super::*;
    use crate::azure::verify::VerifyTarget;
    use crate::azure::{AzureClient, AzureConfig};
    use crate::domain::flavor::Flavor;

    #[test]
    fn a_credential_expiring_within_30_days_is_a_warning_not_a_failure() {
        let client = AzureClient::new(AzureConfig::default()).unwrap();
        let target = VerifyTarget {
            org_url: url::Url::parse("https://dev.azure.com/contoso").unwrap(),
            flavor: Flavor::Services,
            pat: None,
            oauth: None,
            app_identity: None,
            accessible_projects: None,
        };
        let now = Utc::now();
        let mut run = Run::new(&client, &target);
        run.credential_expiry(now + Duration::days(45), now);
        run.credential_expiry(now + Duration::days(10), now);
        assert!(run.checks[0].ok);
        assert!(!run.checks[1].ok);
        assert_eq!(run.checks[1].code, Some(VerificationCode::CredentialExpiresSoon));
        assert!(run.checks[1].message.contains("10 days left"), "{}", run.checks[1].message);
        assert!(VerificationCode::CredentialExpiresSoon.is_warning());
    }
}
