//! PROJECTS_VISIBLE (with the project count) and, on SERVER, SERVER_PUBLIC_URL.

use url::{Host, Url};

use super::Run;
use crate::azure::client::Credential;
use crate::azure::error::AzureError;
use crate::azure::verification::{CheckName, VerificationCode};
use crate::azure::wire::TeamProjectReference;
use crate::domain::flavor::Flavor;

/// Project pages followed to count projects (`$top=100` each) before giving up on an exact count.
const MAX_PROJECT_PAGES: usize = 10;

impl Run<'_> {
    /// PROJECTS_VISIBLE (+ SERVER_PUBLIC_URL). Returns whether the advisory checks are worth
    /// running: yes after a pass or a missing scope, no when the upstream or credential failed.
    pub(super) async fn projects(&mut self, credential: &Credential) -> bool {
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
            // connectionData accepted this credential, so a 401 here is the missing scope
            // (docs/azure-devops-wire.md §2.3), not a bad token.
            Err(AzureError::Unauthorized { expired: false }) => {
                self.fail(
                    CheckName::ProjectsVisible,
                    Some(VerificationCode::PatInsufficientScope),
                    "The token cannot list projects: it lacks the Project and Team (Read) scope (vso.project).",
                );
                return true;
            }
            Err(AzureError::Forbidden { message }) => {
                self.fail(
                    CheckName::ProjectsVisible,
                    Some(VerificationCode::PatInsufficientScope),
                    format!("The identity may not list projects ({message})."),
                );
                return true;
            }
            Err(error) => {
                self.fail_with(CheckName::ProjectsVisible, &error);
                return false;
            }
        };
        let mut urls: Vec<String> = first.value.iter().filter_map(|p| p.url.clone()).collect();
        self.keep_projects(&first.value);
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
            let query = [("$top", "100"), ("continuationToken", next.as_str()), ("api-version", version.as_str())];
            match self.client.get_page::<TeamProjectReference>(&org, "_apis/projects", &query, credential).await {
                Ok(page) => {
                    seen += page.value.len();
                    self.keep_projects(&page.value);
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
        self.project_count = if exact { i32::try_from(seen).ok() } else { None };
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

    /// Remembers `(id, name)` of listed projects, the scope of the advisory checks.
    fn keep_projects(&mut self, page: &[TeamProjectReference]) {
        let known = page.iter().filter_map(|p| Some((p.id.clone()?, p.name.clone().unwrap_or_default())));
        self.projects.extend(known);
    }

    /// SERVER_PUBLIC_URL: a Server whose public URL is unset hands out `localhost` URLs.
    fn server_public_url(&mut self, urls: &[String]) {
        let org_host = self.target.org_url.host_str().unwrap_or("").to_ascii_lowercase();
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
}

/// `localhost`, `127.0.0.1` (any loopback) or `::1`.
fn is_localhost(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
