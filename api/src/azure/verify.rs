//! Verifies an integration against Azure DevOps: organization, PAT, projects, advisory permissions.
//!
//! [`verify`] never fails: every outcome, transport errors included, becomes a [`Verification`].
//! The OAuth app steps live in `verify_oauth.rs`.

use chrono::Utc;
use secrecy::SecretString;
use tracing::instrument;
use url::{Host, Url};

use super::client::{AzureClient, Credential};
use super::error::AzureError;
use super::verification::{CheckName, Verification, VerificationCheck, VerificationCode};
use super::verify_oauth::{OAuthAppCredentials, check_oauth_app, check_reachable_anonymously};
use super::wire::{
    ConnectionData, GIT_GENERIC_CONTRIBUTE, GIT_REPOSITORIES_NAMESPACE, PermissionEvaluation,
    PermissionEvaluationBatch, SubscriptionRef, TeamProjectReference,
};
use crate::domain::flavor::Flavor;

/// The api-version vcslink speaks; SERVER falls back to the server's latest when older.
pub const API_VERSION: &str = "7.1";
/// Project pages followed to count projects (`$top=100` each) before giving up on an exact count.
const MAX_PROJECT_PAGES: usize = 10;

/// What to verify. The caller (who knows the database) hands over decrypted credentials.
#[derive(Clone, Debug)]
pub struct VerifyTarget {
    /// Canonical organization URL, no trailing slash.
    pub org_url: Url,
    pub flavor: Flavor,
    pub pat: Option<SecretString>,
    pub oauth: Option<OAuthAppCredentials>,
}

/// Runs every check that applies to `target` and sums them up.
#[instrument(skip_all, fields(org = %target.org_url, flavor = target.flavor.as_str(), pat = target.pat.is_some(), oauth = target.oauth.is_some()))]
pub async fn verify(client: &AzureClient, target: &VerifyTarget) -> Verification {
    let checked_at = Utc::now();
    let mut run = Run::new(client, target);
    match &target.pat {
        Some(pat) => run.pat_checks(Credential::Pat(pat.clone())).await,
        None => {
            let check = check_reachable_anonymously(client, &target.org_url).await;
            run.checks.push(check);
        }
    }
    if let Some(app) = &target.oauth {
        let check = check_oauth_app(client, app).await;
        run.retry_after_secs = run.retry_after_secs.or(check.retry_after_secs);
        run.checks.push(check.check);
    }
    let verification = run.finish(checked_at);
    tracing::info!(
        ok = verification.ok,
        code = verification.code.as_str(),
        "verified"
    );
    verification
}

/// The state of one verification as its checks run.
struct Run<'a> {
    client: &'a AzureClient,
    target: &'a VerifyTarget,
    api_version: String,
    checks: Vec<VerificationCheck>,
    authenticated_as: Option<String>,
    project_count: Option<i32>,
    /// Projects seen while counting (a lower bound when `project_count` is `None`).
    projects_seen: usize,
    retry_after_secs: Option<u64>,
}

impl<'a> Run<'a> {
    fn new(client: &'a AzureClient, target: &'a VerifyTarget) -> Self {
        Run {
            client,
            target,
            api_version: API_VERSION.to_owned(),
            checks: Vec::new(),
            authenticated_as: None,
            project_count: None,
            projects_seen: 0,
            retry_after_secs: None,
        }
    }

    fn pass(&mut self, name: CheckName, message: impl Into<String>) {
        self.checks.push(VerificationCheck {
            name,
            ok: true,
            code: None,
            message: message.into(),
        });
    }

    fn fail(
        &mut self,
        name: CheckName,
        code: Option<VerificationCode>,
        message: impl Into<String>,
    ) {
        self.checks.push(VerificationCheck {
            name,
            ok: false,
            code,
            message: message.into(),
        });
    }

    fn fail_with(&mut self, name: CheckName, error: &AzureError) {
        if let AzureError::RateLimited { retry_after } = error {
            self.retry_after_secs = retry_after.map(|d| d.as_secs());
        }
        let (code, message) = describe(error, &self.target.org_url);
        self.fail(name, Some(code), message);
    }

    /// ORGANIZATION_REACHABLE, CREDENTIAL_VALID, PROJECTS_VISIBLE, SERVER_PUBLIC_URL, then the
    /// advisory checks while the credential is good.
    async fn pat_checks(&mut self, credential: Credential) {
        let data = match self.connection_data(&credential).await {
            Ok(data) => data,
            Err(
                error @ (AzureError::Unauthorized { .. }
                | AzureError::Forbidden { .. }
                | AzureError::InvalidCredential),
            ) => {
                self.pass(
                    CheckName::OrganizationReachable,
                    "The organization answered.",
                );
                self.fail_with(CheckName::CredentialValid, &error);
                return;
            }
            Err(error) => {
                self.fail_with(CheckName::OrganizationReachable, &error);
                return;
            }
        };
        self.pass(
            CheckName::OrganizationReachable,
            "The organization answered.",
        );
        let user = data.authenticated_user.unwrap_or_default();
        if user.is_anonymous() {
            self.fail_with(
                CheckName::CredentialValid,
                &AzureError::Unauthorized { expired: false },
            );
            return;
        }
        let who = user
            .account()
            .map(str::to_owned)
            .or(user.provider_display_name.clone());
        self.pass(
            CheckName::CredentialValid,
            format!(
                "Signed in as {}.",
                who.as_deref().unwrap_or("an unnamed identity")
            ),
        );
        self.authenticated_as = who;

        if self.projects(&credential).await {
            self.code_write(&credential).await;
            self.service_hooks(&credential).await;
        }
    }

    /// `connectionData`; on SERVER an out-of-range api-version is retried once with the server's latest.
    async fn connection_data(
        &mut self,
        credential: &Credential,
    ) -> Result<ConnectionData, AzureError> {
        let org = &self.target.org_url;
        let first = self
            .client
            .get_json(
                org,
                "_apis/connectionData",
                &[("api-version", &self.api_version)],
                credential,
            )
            .await;
        match first {
            Err(AzureError::VersionOutOfRange {
                latest: Some(latest),
            }) if self.target.flavor == Flavor::Server => {
                tracing::info!(
                    latest,
                    "server is older than api-version {API_VERSION}; falling back"
                );
                self.api_version = latest;
                self.client
                    .get_json(
                        org,
                        "_apis/connectionData",
                        &[("api-version", &self.api_version)],
                        credential,
                    )
                    .await
            }
            other => other,
        }
    }

    /// PROJECTS_VISIBLE (+ SERVER_PUBLIC_URL). Returns whether the advisory checks are worth
    /// running: yes after a pass or a missing scope, no when the upstream or credential failed.
    async fn projects(&mut self, credential: &Credential) -> bool {
        let org = self.target.org_url.clone();
        let version = self.api_version.clone();
        let first = self
            .client
            .get_page::<TeamProjectReference>(
                &org,
                "_apis/projects",
                &[("$top", "1"), ("api-version", &version)],
                credential,
            )
            .await;
        let first = match first {
            Ok(page) => page,
            Err(AzureError::Forbidden { message }) => {
                self.fail(
                    CheckName::ProjectsVisible,
                    Some(VerificationCode::PatInsufficientScope),
                    format!("The token cannot list projects; it needs the Project and team (Read) scope ({message})."),
                );
                return true;
            }
            Err(error) => {
                self.fail_with(CheckName::ProjectsVisible, &error);
                return false;
            }
        };
        let mut urls: Vec<String> = first.value.iter().filter_map(|p| p.url.clone()).collect();
        let mut seen = first.value.len();
        let mut token = first.continuation_token;
        let mut pages = 0;
        let mut exact = true;
        while let Some(next) = token.take() {
            if pages == MAX_PROJECT_PAGES {
                exact = false;
                break;
            }
            pages += 1;
            let query = [
                ("$top", "100"),
                ("continuationToken", next.as_str()),
                ("api-version", version.as_str()),
            ];
            match self
                .client
                .get_page::<TeamProjectReference>(&org, "_apis/projects", &query, credential)
                .await
            {
                Ok(page) => {
                    seen += page.value.len();
                    urls.extend(page.value.into_iter().filter_map(|p| p.url));
                    token = page.continuation_token;
                }
                Err(error) => {
                    tracing::warn!(error = %error, "could not count every project");
                    exact = false;
                }
            }
        }
        self.projects_seen = seen;
        self.project_count = if exact {
            i32::try_from(seen).ok()
        } else {
            None
        };
        let counted = match self.project_count {
            Some(1) => "1 project is visible.".to_owned(),
            Some(n) => format!("{n} projects are visible."),
            None => format!("At least {seen} projects are visible."),
        };
        self.pass(CheckName::ProjectsVisible, counted);
        if self.target.flavor == Flavor::Server {
            self.server_public_url(&urls);
        }
        true
    }

    /// SERVER_PUBLIC_URL: a Server whose public URL is unset hands out `localhost` URLs.
    fn server_public_url(&mut self, urls: &[String]) {
        let org_host = self
            .target
            .org_url
            .host_str()
            .unwrap_or("")
            .to_ascii_lowercase();
        let bad = urls.iter().filter_map(|u| Url::parse(u).ok()).find(|u| {
            let host = u.host_str().unwrap_or("").to_ascii_lowercase();
            is_localhost(u) && host != org_host
        });
        match bad {
            Some(url) => self.fail(
                CheckName::ServerPublicUrl,
                Some(VerificationCode::ServerUrlPointsToLocalhost),
                format!(
                    "Azure DevOps Server answers with URLs on {} instead of {}; its public URL is misconfigured.",
                    url.host_str().unwrap_or("localhost"),
                    org_host
                ),
            ),
            None => self.pass(CheckName::ServerPublicUrl, "The server hands out URLs on its public address."),
        }
    }

    /// CODE_WRITE (advisory): may the identity push (Git GenericContribute) at organization level?
    async fn code_write(&mut self, credential: &Credential) {
        let batch = PermissionEvaluationBatch {
            always_allow_administrators: false,
            evaluations: vec![PermissionEvaluation {
                security_namespace_id: GIT_REPOSITORIES_NAMESPACE.to_owned(),
                token: "repoV2".to_owned(),
                permissions: GIT_GENERIC_CONTRIBUTE,
                value: None,
            }],
        };
        let answer: Result<PermissionEvaluationBatch, _> = self
            .client
            .post_json(
                &self.target.org_url,
                "_apis/security/permissionevaluationbatch",
                &[("api-version", &self.api_version)],
                credential,
                &batch,
            )
            .await;
        let name = CheckName::CodeWrite;
        match answer.map(|b| b.evaluations.first().and_then(|e| e.value)) {
            Ok(Some(true)) => self.pass(name, "The identity may push to Git repositories."),
            Ok(Some(false)) => self.fail(
                name,
                Some(VerificationCode::PatInsufficientScope),
                "The identity may not push to Git repositories (Contribute is denied, or the token lacks Code (Read & write)).",
            ),
            Ok(None) => self.fail(name, None, "Whether the identity may push code could not be determined."),
            Err(AzureError::Unauthorized { .. } | AzureError::Forbidden { .. }) => self.fail(
                name,
                Some(VerificationCode::PatInsufficientScope),
                "The token may not check Git permissions; it likely lacks Code (Read & write).",
            ),
            Err(error) => self.fail(
                name,
                None,
                format!("Whether the identity may push code could not be determined ({error})."),
            ),
        }
    }

    /// SERVICE_HOOKS_MANAGE (advisory): can the credential see service hook subscriptions?
    async fn service_hooks(&mut self, credential: &Credential) {
        let answer = self
            .client
            .get_page::<SubscriptionRef>(
                &self.target.org_url,
                "_apis/hooks/subscriptions",
                &[("api-version", &self.api_version)],
                credential,
            )
            .await;
        let name = CheckName::ServiceHooksManage;
        match answer {
            Ok(_) => self.pass(name, "The credential can manage service hook subscriptions."),
            Err(AzureError::Unauthorized { .. } | AzureError::Forbidden { .. }) => self.fail(
                name,
                Some(VerificationCode::PatInsufficientScope),
                "The credential may not manage service hooks; webhooks must be installed by someone who can.",
            ),
            Err(error) => self.fail(
                name,
                None,
                format!("Whether the credential may manage service hooks could not be determined ({error})."),
            ),
        }
    }

    /// Sums the checks up: `ok`, the first failing required code, a sentence and the hint.
    fn finish(self, checked_at: chrono::DateTime<Utc>) -> Verification {
        let failing = self.checks.iter().find(|c| !c.ok && !c.name.is_advisory());
        let ok = failing.is_none() && !self.checks.is_empty();
        let (code, message) = match failing {
            Some(check) => (
                check.code.unwrap_or(VerificationCode::UpstreamUnreachable),
                check.message.clone(),
            ),
            None => (VerificationCode::Ok, self.summary()),
        };
        let hint = if ok {
            None
        } else {
            code.hint_for(&self.target.org_url, self.retry_after_secs)
        };
        Verification {
            ok,
            checked_at,
            code,
            message,
            hint,
            authenticated_as: self.authenticated_as,
            project_count: self.project_count,
            checks: self.checks,
        }
    }

    fn summary(&self) -> String {
        let oauth = self.target.oauth.is_some();
        match (&self.target.pat, &self.authenticated_as) {
            (Some(_), who) => {
                let who = who.as_deref().unwrap_or("an unnamed identity");
                let projects = match self.project_count {
                    Some(1) => "1 project visible".to_owned(),
                    Some(n) => format!("{n} projects visible"),
                    None => format!("at least {} projects visible", self.projects_seen),
                };
                let app = if oauth {
                    " The OAuth app is valid."
                } else {
                    ""
                };
                format!("Verified as {who}; {projects}.{app}")
            }
            (None, _) => "The organization answers and the OAuth app is valid.".to_owned(),
        }
    }
}

/// `localhost`, `127.0.0.1` (any loopback) or `::1`.
fn is_localhost(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The code and a sentence for a failed PAT-authenticated call.
pub(super) fn describe(error: &AzureError, org_url: &Url) -> (VerificationCode, String) {
    use VerificationCode as C;
    match error {
        AzureError::Unauthorized { expired: true } => (
            C::PatExpired,
            "The personal access token has expired.".into(),
        ),
        AzureError::Unauthorized { expired: false } => (
            C::PatInvalid,
            "The personal access token was rejected by Azure DevOps.".into(),
        ),
        AzureError::InvalidCredential => (
            C::PatInvalid,
            "The personal access token contains characters that cannot be sent.".into(),
        ),
        AzureError::Forbidden { message } => (
            C::PatInsufficientScope,
            format!("Azure DevOps refused the request: {message}"),
        ),
        AzureError::NotFound { .. } => (
            C::OrganizationNotFound,
            format!("No Azure DevOps organization answers at {org_url}."),
        ),
        AzureError::UnknownHost { host } => (
            C::OrganizationNotFound,
            format!("The host {host} does not resolve."),
        ),
        AzureError::InvalidUrl { reason } => (
            C::OrganizationNotFound,
            format!("The organization URL is invalid: {reason}."),
        ),
        AzureError::InvalidResponse { reason } => (
            C::OrganizationNotFound,
            format!("The server at {org_url} does not answer like Azure DevOps ({reason})."),
        ),
        AzureError::RateLimited {
            retry_after: Some(after),
        } => (
            C::UpstreamRateLimited,
            format!(
                "Azure DevOps is rate limiting this identity; retry after {} seconds.",
                after.as_secs()
            ),
        ),
        AzureError::RateLimited { retry_after: None } => (
            C::UpstreamRateLimited,
            "Azure DevOps is rate limiting this identity; retry later.".into(),
        ),
        AzureError::Unreachable { reason } => (
            C::UpstreamUnreachable,
            format!("Azure DevOps could not be reached: {reason}."),
        ),
        AzureError::Blocked { reason } => (C::UpstreamUnreachable, blocked_message(reason)),
        AzureError::VersionOutOfRange { latest } => (
            C::UpstreamUnreachable,
            format!(
                "The server does not support REST API version {API_VERSION} (latest: {}).",
                latest.as_deref().unwrap_or("unknown")
            ),
        ),
        AzureError::Upstream { status, message } => (
            C::UpstreamUnreachable,
            format!("Azure DevOps answered HTTP {status}: {message}."),
        ),
    }
}

/// The sentence for an upstream the SSRF guard refused.
pub(super) fn blocked_message(reason: &str) -> String {
    format!(
        "The address was refused ({reason}): loopback, private and http:// upstreams are allowed only \
         when the operator sets VCSLINK_ALLOW_PRIVATE_UPSTREAMS=true."
    )
}
