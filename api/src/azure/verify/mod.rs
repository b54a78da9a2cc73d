//! Verifies an integration against Azure DevOps: organization, PAT, projects, advisory permissions.
//!
//! [`verify`] never fails: every outcome, transport errors included, becomes a [`Verification`].
//! Steps live beside this file: `projects.rs`, `advisory.rs`, `oauth.rs` (the OAuth app and the
//! anonymous organization check); `describe.rs` turns errors into codes and sentences.

mod advisory;
mod app_identity;
mod describe;
mod oauth;
mod projects;
mod tenant;

use chrono::Utc;
use secrecy::SecretString;
use tracing::instrument;
use url::Url;

use super::app_token::AppIdentityCredentials;
use super::client::{AzureClient, Credential};
use super::error::AzureError;
use super::verification::{CheckName, Verification, VerificationCheck, VerificationCode};
use super::versions::Negotiated;
use super::whoami::connection_data;
use super::wire::ConnectionData;
use crate::domain::flavor::Flavor;
use describe::describe;
pub use oauth::{AZURE_DEVOPS_DEFAULT_SCOPE, OAuthAppCredentials};
use oauth::{check_oauth_app, check_reachable_anonymously};

/// The hint for IIS's own 401 on a Server (docs `iis-basic-auth.md`).
const IIS_BASIC_AUTH_HINT: &str = "IIS answered for Azure DevOps Server with its own Basic authentication challenge, \
     which stops personal access tokens: an administrator must turn Basic authentication off for the Azure DevOps \
     site in IIS Manager (Authentication), keeping Windows authentication, then verify again.";

/// The newest api-version vcslink speaks; an older Server is asked at its own (see `versions.rs`).
pub const API_VERSION: &str = "7.1";

/// What to verify. The caller (who knows the database) hands over decrypted credentials.
#[derive(Clone, Debug)]
pub struct VerifyTarget {
    /// Canonical organization URL, no trailing slash.
    pub org_url: Url,
    pub flavor: Flavor,
    pub pat: Option<SecretString>,
    pub oauth: Option<OAuthAppCredentials>,
    /// The integration's own Entra identity (checked first: background work uses it).
    pub app_identity: Option<AppIdentityCredentials>,
    /// The integration's project allow-list (names); `None` = every project the credential sees.
    /// The advisory checks evaluate these projects only.
    pub accessible_projects: Option<Vec<String>>,
}

/// Runs every check that applies to `target` and sums them up.
#[instrument(skip_all, fields(org = %target.org_url, flavor = target.flavor.as_str(), pat = target.pat.is_some(), oauth = target.oauth.is_some()))]
pub async fn verify(client: &AzureClient, target: &VerifyTarget) -> Verification {
    let checked_at = Utc::now();
    let mut run = Run::new(client, target);
    let app_credential = match &target.app_identity {
        Some(app) => run.app_identity_checks(app).await,
        None => None,
    };
    match (&target.pat, app_credential) {
        (Some(pat), _) => run.pat_checks(Credential::from_secret(pat.clone()), None).await,
        // The organization, projects and advisory checks with the app identity's token, and the
        // `connectionData` it already answered.
        (None, Some((token, data))) => run.pat_checks(token, Some(data)).await,
        (None, None) if target.app_identity.is_some() => {}
        (None, None) => {
            let check = check_reachable_anonymously(client, &target.org_url).await;
            run.checks.push(check);
        }
    }
    if let Some(app) = &target.oauth {
        let check = check_oauth_app(client, app).await;
        run.retry_after_secs = run.retry_after_secs.or(check.retry_after_secs);
        run.checks.push(check.check);
        if target.flavor == Flavor::Services {
            let issuer = check.issuer_tenant.as_deref();
            run.checks.push(tenant::check_org_tenant(client, &target.org_url, &app.tenant_id, issuer).await);
        }
    }
    let verification = run.finish(checked_at);
    tracing::info!(ok = verification.ok, code = verification.code.as_str(), "verified");
    verification
}

/// The state of one verification as its checks run.
struct Run<'a> {
    client: &'a AzureClient,
    target: &'a VerifyTarget,
    /// The released api-version for this organization's released resources (projects, security, hooks).
    api_version: String,
    /// What `connectionData` negotiated; recorded in the verification for later calls.
    negotiated: Option<Negotiated>,
    checks: Vec<VerificationCheck>,
    authenticated_as: Option<String>,
    /// Who Azure DevOps saw the app identity as.
    app_identity_as: Option<String>,
    project_count: Option<i32>,
    /// Projects seen while counting (a lower bound when `project_count` is `None`).
    projects_seen: usize,
    retry_after_secs: Option<u64>,
    /// `(id, name)` of the projects seen by PROJECTS_VISIBLE: the advisory checks' scope.
    projects: Vec<(String, String)>,
    /// A hint more precise than the failing code's (IIS Basic authentication on a Server).
    hint_override: Option<String>,
}

impl<'a> Run<'a> {
    fn new(client: &'a AzureClient, target: &'a VerifyTarget) -> Self {
        Run {
            client,
            target,
            api_version: Negotiated::LATEST.released().to_string(),
            negotiated: None,
            checks: Vec::new(),
            authenticated_as: None,
            app_identity_as: None,
            project_count: None,
            projects_seen: 0,
            retry_after_secs: None,
            projects: Vec::new(),
            hint_override: None,
        }
    }

    fn pass(&mut self, name: CheckName, message: impl Into<String>) {
        self.checks.push(VerificationCheck { name, ok: true, code: None, message: message.into() });
    }

    fn fail(&mut self, name: CheckName, code: Option<VerificationCode>, message: impl Into<String>) {
        self.checks.push(VerificationCheck { name, ok: false, code, message: message.into() });
    }

    fn fail_with(&mut self, name: CheckName, error: &AzureError) {
        if let AzureError::RateLimited { retry_after } = error {
            self.retry_after_secs = retry_after.map(|d| d.as_secs());
        }
        let (code, message) = describe(error, &self.target.org_url);
        if matches!(error, AzureError::IisBasicAuth) {
            self.hint_override = Some(IIS_BASIC_AUTH_HINT.to_owned());
        }
        self.fail(name, Some(code), message);
    }

    /// ORGANIZATION_REACHABLE, CREDENTIAL_VALID, PROJECTS_VISIBLE, SERVER_PUBLIC_URL, then the
    /// advisory checks while the credential is good.
    async fn pat_checks(&mut self, credential: Credential, answered: Option<ConnectionData>) {
        let asked = match answered {
            Some(data) => Ok(data),
            None => self.connection_data(&credential).await,
        };
        let data = match asked {
            Ok(data) => data,
            Err(
                error @ (AzureError::Unauthorized { .. }
                | AzureError::Forbidden { .. }
                | AzureError::InvalidCredential
                | AzureError::IisBasicAuth),
            ) => {
                self.pass(CheckName::OrganizationReachable, "The organization answered.");
                if self.is_retired_global_pat(&error, &credential).await {
                    self.fail(
                        CheckName::CredentialValid,
                        Some(VerificationCode::PatGlobalRetired),
                        "The personal access token is a global one (All accessible organizations), which Azure \
                         DevOps Services no longer accepts.",
                    );
                } else {
                    self.fail_with(CheckName::CredentialValid, &error);
                }
                return;
            }
            Err(error) => {
                self.fail_with(CheckName::OrganizationReachable, &error);
                return;
            }
        };
        self.pass(CheckName::OrganizationReachable, "The organization answered.");
        let user = data.authenticated_user.unwrap_or_default();
        if user.is_anonymous() {
            self.fail_with(CheckName::CredentialValid, &AzureError::Unauthorized { expired: false });
            return;
        }
        let who = user.account().map(str::to_owned).or(user.provider_display_name.clone());
        self.pass(
            CheckName::CredentialValid,
            format!("Signed in as {}.", who.as_deref().unwrap_or("an unnamed identity")),
        );
        self.authenticated_as = who;

        if self.projects(&credential).await {
            self.code_write(&credential).await;
            self.service_hooks(&credential).await;
        }
    }

    /// `connectionData` at a preview version (the resource is preview-only), from 7.1 down to
    /// what an older Server names; every later call of the verification uses that version.
    async fn connection_data(&mut self, credential: &Credential) -> Result<ConnectionData, AzureError> {
        let connection = connection_data(self.client, &self.target.org_url, credential, Negotiated::LATEST).await?;
        if connection.version != Negotiated::LATEST {
            tracing::info!(version = %connection.version, "the server is older than api-version {API_VERSION}");
        }
        self.api_version = connection.version.released().to_string();
        self.negotiated = Some(connection.version);
        Ok(connection.data)
    }

    /// A PAT that `connectionData` refuses on Services but the profile service answers is a global
    /// PAT (docs/azure-devops-wire.md §3.11, §7). The profile is asked nothing else.
    async fn is_retired_global_pat(&self, error: &AzureError, credential: &Credential) -> bool {
        self.target.flavor == Flavor::Services
            && matches!(error, AzureError::Unauthorized { expired: false })
            && matches!(credential, Credential::Pat(_))
            && super::profile::answers(self.client, credential).await
    }

    /// Sums the checks up: `ok`, the first failing required code, a sentence and the hint.
    fn finish(self, checked_at: chrono::DateTime<Utc>) -> Verification {
        let failing = self
            .checks
            .iter()
            .find(|c| !c.ok && !c.name.is_advisory() && !c.code.is_some_and(VerificationCode::is_warning));
        let ok = failing.is_none() && !self.checks.is_empty();
        let (code, message) = match failing {
            Some(check) => (check.code.unwrap_or(VerificationCode::UpstreamUnreachable), check.message.clone()),
            None => (VerificationCode::Ok, self.summary()),
        };
        let hint = match (ok, self.hint_override) {
            (true, _) => None,
            (false, Some(precise)) => Some(precise),
            (false, None) => code.hint_for(&self.target.org_url, self.retry_after_secs),
        };
        Verification {
            ok,
            checked_at,
            code,
            message,
            hint,
            authenticated_as: self.authenticated_as,
            app_identity_as: self.app_identity_as,
            project_count: self.project_count,
            checks: self.checks,
            api_version: self.negotiated.map(|v| v.to_string()),
        }
    }

    fn summary(&self) -> String {
        let oauth = self.target.oauth.is_some();
        let own_credential = self.target.pat.is_some() || self.target.app_identity.is_some();
        match (own_credential, &self.authenticated_as) {
            (true, who) => {
                let who = who.as_deref().unwrap_or("an unnamed identity");
                let projects = match self.project_count {
                    Some(1) => "1 project visible".to_owned(),
                    Some(n) => format!("{n} projects visible"),
                    None => format!("at least {} projects visible", self.projects_seen),
                };
                let app = if oauth { " The OAuth app is valid." } else { "" };
                format!("Verified as {who}; {projects}.{app}")
            }
            (false, _) => "The organization answers and the OAuth app is valid.".to_owned(),
        }
    }
}
