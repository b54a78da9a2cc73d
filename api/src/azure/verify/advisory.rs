//! Advisory checks, reported but never failing a verification: CODE_WRITE, SERVICE_HOOKS_MANAGE.
//!
//! Both ask `permissionevaluationbatch` about the identity on each project in scope (the projects
//! PROJECTS_VISIBLE listed, narrowed to the integration's allow-list when it has one), on the project's own token: permissions are inherited downward, so
//! the root tokens `repoV2` and `PublisherSecurity` do not see an Allow granted per project
//! (docs/azure-devops-wire.md §3.15).

use super::Run;
use crate::azure::client::Credential;
use crate::azure::error::AzureError;
use crate::azure::verification::{CheckName, VerificationCode};
use crate::azure::wire::{
    GIT_GENERIC_CONTRIBUTE, GIT_REPOSITORIES_NAMESPACE, PermissionEvaluation, PermissionEvaluationBatch,
    SubscriptionRef,
};

/// ServiceHooks security namespace (`namespace-reference.md`, `view-permission.md`).
pub const SERVICE_HOOKS_NAMESPACE: &str = "cb594ebe-87dd-4fc9-ac2c-6a10a4c92046";
/// ServiceHooks EditSubscriptions (Edit also deletes).
pub const HOOKS_EDIT_SUBSCRIPTIONS: i32 = 2;
/// Projects evaluated in one batch at most; a verification names the first denied ones.
const MAX_PROJECTS: usize = 100;
/// Denied projects named in a message.
const NAMED: usize = 5;

/// What one batch said about the projects in scope.
enum Verdict {
    AllAllowed,
    /// Names of the denied projects.
    Denied(Vec<String>),
    NoProjects,
    Failed(AzureError),
}

impl Run<'_> {
    /// CODE_WRITE (advisory): Git GenericContribute on `repoV2/{projectId}` of every project in scope.
    pub(super) async fn code_write(&mut self, credential: &Credential) {
        let name = CheckName::CodeWrite;
        // The batch answers the identity's permissions whatever the token's scopes: first ask a
        // Code route whether the token reaches Git at all (a 401 there is the missing scope).
        let probe = self
            .client
            .get_page::<serde_json::Value>(
                &self.target.org_url,
                "_apis/git/repositories",
                &[("api-version", &self.api_version)],
                credential,
            )
            .await;
        if let Err(AzureError::Unauthorized { expired: false }) = probe {
            return self.fail(
                name,
                Some(VerificationCode::PatInsufficientScope),
                "The token cannot reach Git repositories: it lacks the Code (Read & write) scope (vso.code_write).",
            );
        }
        match self.evaluate(credential, GIT_REPOSITORIES_NAMESPACE, "repoV2", GIT_GENERIC_CONTRIBUTE).await {
            Verdict::AllAllowed => {
                self.pass(name, "The identity may contribute to the Git repositories of every project in scope.")
            }
            Verdict::Denied(projects) => self.fail(
                name,
                Some(VerificationCode::PatInsufficientScope),
                format!("The identity lacks Contribute on the Git repositories of {}.", listing(&projects)),
            ),
            Verdict::NoProjects => self.fail(name, None, "No project is visible, so no Git permission was evaluated."),
            Verdict::Failed(error) => {
                self.fail(name, None, format!("Whether the identity may push code could not be determined ({error})."))
            }
        }
    }

    /// SERVICE_HOOKS_MANAGE (advisory): the token's scopes reach the subscriptions (a list), and
    /// the identity holds EditSubscriptions on `PublisherSecurity/{projectId}` of every project in
    /// scope: listing subscriptions does not prove the right to edit them.
    pub(super) async fn service_hooks(&mut self, credential: &Credential) {
        let name = CheckName::ServiceHooksManage;
        let listed = self
            .client
            .get_page::<SubscriptionRef>(
                &self.target.org_url,
                "_apis/hooks/subscriptions",
                &[("api-version", &self.api_version)],
                credential,
            )
            .await;
        match listed {
            Ok(_) => {}
            // Hook routes answer a token whose scopes cover no event with 404 (reads), a plain
            // scoped route with 401 (docs/azure-devops-wire.md §2.3, §3.10).
            Err(AzureError::Unauthorized { expired: false } | AzureError::NotFound { .. }) => {
                return self.fail(
                    name,
                    Some(VerificationCode::PatInsufficientScope),
                    "The token cannot reach service hook subscriptions: it lacks the Code (Read & write) or Work \
                     Items (Read & write) scope, through which Service Hooks are managed.",
                );
            }
            Err(error) => {
                return self.fail(
                    name,
                    None,
                    format!("Whether the credential may manage service hooks could not be determined ({error})."),
                );
            }
        }
        match self.evaluate(credential, SERVICE_HOOKS_NAMESPACE, "PublisherSecurity", HOOKS_EDIT_SUBSCRIPTIONS).await {
            Verdict::AllAllowed => {
                self.pass(name, "The identity may edit service hook subscriptions of every project in scope.")
            }
            Verdict::Denied(projects) => self.fail(
                name,
                Some(VerificationCode::PatInsufficientScope),
                format!(
                    "The identity lacks the Service Hooks Edit subscriptions permission on {}: webhooks must be \
                     installed by a project administrator.",
                    listing(&projects)
                ),
            ),
            Verdict::NoProjects => {
                self.fail(name, None, "No project is visible, so no Service Hooks permission was evaluated.")
            }
            Verdict::Failed(error) => self.fail(
                name,
                None,
                format!("Whether the identity may edit service hooks could not be determined ({error})."),
            ),
        }
    }

    /// One batch: `bits` of `namespace` on `{root}/{projectId}` for each project in scope.
    async fn evaluate(&self, credential: &Credential, namespace: &str, root: &str, bits: i32) -> Verdict {
        let in_scope = |name: &str| {
            self.target
                .accessible_projects
                .as_ref()
                .is_none_or(|list| list.iter().any(|p| p.eq_ignore_ascii_case(name)))
        };
        let projects: Vec<&(String, String)> =
            self.projects.iter().filter(|(_, name)| in_scope(name)).take(MAX_PROJECTS).collect();
        if projects.is_empty() {
            return Verdict::NoProjects;
        }
        let batch = PermissionEvaluationBatch {
            always_allow_administrators: false,
            evaluations: projects
                .iter()
                .map(|(id, _)| PermissionEvaluation {
                    security_namespace_id: namespace.to_owned(),
                    token: format!("{root}/{id}"),
                    permissions: bits,
                    value: None,
                })
                .collect(),
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
        let answer = match answer {
            Ok(answer) => answer,
            Err(error) => return Verdict::Failed(error),
        };
        let denied: Vec<String> = projects
            .iter()
            .filter(|(id, _)| {
                let token = format!("{root}/{id}");
                !answer.evaluations.iter().any(|e| e.token.eq_ignore_ascii_case(&token) && e.value == Some(true))
            })
            .map(|(_, name)| name.clone())
            .collect();
        if denied.is_empty() { Verdict::AllAllowed } else { Verdict::Denied(denied) }
    }
}

/// `Platform`, `Infra` and 3 more projects.
fn listing(projects: &[String]) -> String {
    let named: Vec<&str> = projects.iter().take(NAMED).map(String::as_str).collect();
    let more = projects.len().saturating_sub(NAMED);
    let what = if projects.len() == 1 { "project" } else { "projects" };
    match more {
        0 => format!("{what} {}", named.join(", ")),
        n => format!("{what} {} and {n} more", named.join(", ")),
    }
}
