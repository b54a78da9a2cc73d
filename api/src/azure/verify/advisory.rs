//! Advisory checks, reported but never failing a verification: CODE_WRITE, SERVICE_HOOKS_MANAGE.

use super::Run;
use crate::azure::client::Credential;
use crate::azure::error::AzureError;
use crate::azure::verification::{CheckName, VerificationCode};
use crate::azure::wire::{
    GIT_GENERIC_CONTRIBUTE, GIT_REPOSITORIES_NAMESPACE, PermissionEvaluation, PermissionEvaluationBatch,
    SubscriptionRef,
};

impl Run<'_> {
    /// CODE_WRITE (advisory): may the identity push (Git GenericContribute) at organization level?
    pub(super) async fn code_write(&mut self, credential: &Credential) {
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
    pub(super) async fn service_hooks(&mut self, credential: &Credential) {
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
}
