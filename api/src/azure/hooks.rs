//! Service hook subscriptions (`{org}/_apis/hooks/subscriptions`, docs/azure-devops-wire.md §3.10) and
//! the project / repository look-ups an install needs.
//!
//! Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/hooks/subscriptions?view=azure-devops-rest-7.1>
//!
//! Every call takes the integration's negotiated api-version (hooks, projects and repositories are
//! released resources: the number itself) and is asked once more at an older Server's own version
//! when it answers `VssVersionOutOfRangeException`.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use url::Url;

use super::client::{AzureClient, Call, api_url};
use super::credential::Credential;
use super::error::AzureError;
use super::versions::{Negotiated, with_fallback};
use super::wire::git::{GitRepository, Project};

/// The username vcslink asks Azure DevOps to send (ignored on receipt).
pub const BASIC_AUTH_USERNAME: &str = "vcslink";

/// What vcslink asks Azure DevOps to deliver: one event type, to our endpoint, with our password.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionRequest {
    pub publisher_id: String,
    pub event_type: String,
    pub resource_version: String,
    pub consumer_id: String,
    pub consumer_action_id: String,
    pub publisher_inputs: PublisherInputs,
    pub consumer_inputs: ConsumerInputs,
    /// `enabled` on a repair; absent on create.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// Which events: the project, and optionally one repository.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PublisherInputs {
    pub project_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
}

/// The webHooks consumer's inputs. `Debug` hides the password.
#[derive(Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConsumerInputs {
    pub url: String,
    pub basic_auth_username: String,
    pub basic_auth_password: String,
    pub resource_details_to_send: String,
    pub messages_to_send: String,
    pub detailed_messages_to_send: String,
}

impl std::fmt::Debug for ConsumerInputs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsumerInputs").field("url", &self.url).field("basic_auth_password", &"[redacted]").finish()
    }
}

impl SubscriptionRequest {
    /// A webhook subscription for `event_type` on `project_id` (and `repository_id`) posting to `url`.
    pub fn webhook(
        event_type: &str,
        resource_version: &str,
        project_id: &str,
        repository_id: Option<&str>,
        url: &str,
        password: &str,
    ) -> SubscriptionRequest {
        // Work-item events have no repository filter.
        let repository = repository_id.filter(|_| !event_type.starts_with("workitem.")).map(str::to_owned);
        SubscriptionRequest {
            publisher_id: "tfs".into(),
            event_type: event_type.into(),
            resource_version: resource_version.into(),
            consumer_id: "webHooks".into(),
            consumer_action_id: "httpRequest".into(),
            publisher_inputs: PublisherInputs { project_id: project_id.into(), repository },
            consumer_inputs: ConsumerInputs {
                url: url.into(),
                basic_auth_username: BASIC_AUTH_USERNAME.into(),
                basic_auth_password: password.into(),
                resource_details_to_send: String::new(),
                messages_to_send: "none".into(),
                detailed_messages_to_send: "text".into(),
            },
            status: None,
        }
    }
}

/// A subscription as Azure DevOps answers it (confidential inputs come back as `********`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub id: String,
    /// `enabled`, `onProbation`, `disabledByUser`, `disabledBySystem`, `disabledByInactiveIdentity`.
    pub status: Option<String>,
    pub event_type: Option<String>,
    pub event_description: Option<String>,
    pub action_description: Option<String>,
    /// The identity that owns it: the credential that created it.
    pub created_by: Option<crate::azure::wire::git::IdentityRef>,
}

fn subscriptions_url(base: &Url, id: Option<&str>, version: Negotiated) -> Result<Url, AzureError> {
    let path = match id {
        Some(id) => format!("_apis/hooks/subscriptions/{id}"),
        None => "_apis/hooks/subscriptions".to_owned(),
    };
    api_url(base, &path, &[("api-version", &version.released().to_string())])
}

fn json_call<'a>(
    method: Method,
    url: Url,
    credential: &'a Credential,
    body: &SubscriptionRequest,
) -> Result<Call<'a>, AzureError> {
    let mut call = Call::post_json(url, credential, body)?;
    call.method = method;
    Ok(call)
}

impl AzureClient {
    /// `POST {org}/_apis/hooks/subscriptions`.
    pub async fn create_subscription(
        &self,
        base: &Url,
        version: Negotiated,
        credential: &Credential,
        body: &SubscriptionRequest,
    ) -> Result<Subscription, AzureError> {
        with_fallback(version, |v| async move {
            let url = subscriptions_url(base, None, v)?;
            self.send(json_call(Method::POST, url, credential, body)?).await?.json()
        })
        .await
        .0
    }

    /// `GET {org}/_apis/hooks/subscriptions/{id}`; `None` when Azure DevOps no longer has it.
    pub async fn get_subscription(
        &self,
        base: &Url,
        version: Negotiated,
        credential: &Credential,
        id: &str,
    ) -> Result<Option<Subscription>, AzureError> {
        let answer = with_fallback(version, |v| async move {
            let url = subscriptions_url(base, Some(id), v)?;
            self.send(Call::get(url, credential)).await?.json()
        });
        match answer.await.0 {
            Ok(s) => Ok(Some(s)),
            Err(AzureError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `PUT {org}/_apis/hooks/subscriptions/{id}`: replaces inputs (new password) or re-enables.
    pub async fn replace_subscription(
        &self,
        base: &Url,
        version: Negotiated,
        credential: &Credential,
        id: &str,
        body: &SubscriptionRequest,
    ) -> Result<Subscription, AzureError> {
        with_fallback(version, |v| async move {
            let url = subscriptions_url(base, Some(id), v)?;
            self.send(json_call(Method::PUT, url, credential, body)?).await?.json()
        })
        .await
        .0
    }

    /// `DELETE {org}/_apis/hooks/subscriptions/{id}`; a 404 counts as deleted.
    pub async fn delete_subscription(
        &self,
        base: &Url,
        version: Negotiated,
        credential: &Credential,
        id: &str,
    ) -> Result<(), AzureError> {
        let answer = with_fallback(version, |v| async move {
            let url = subscriptions_url(base, Some(id), v)?;
            self.send(Call::bare(Method::DELETE, url, credential)).await?.error_for_status()
        });
        match answer.await.0 {
            Ok(()) | Err(AzureError::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// `GET {org}/_apis/projects/{project}` (name or id).
    pub async fn get_project(
        &self,
        base: &Url,
        version: Negotiated,
        credential: &Credential,
        project: &str,
    ) -> Result<Project, AzureError> {
        let path = format!("_apis/projects/{}", encode_segment(project));
        let path = path.as_str();
        with_fallback(version, |v| async move {
            self.get_json(base, path, &[("api-version", &v.released().to_string())], credential).await
        })
        .await
        .0
    }

    /// `GET {org}/{project}/_apis/git/repositories/{repository}` (names or ids).
    pub async fn get_repository(
        &self,
        base: &Url,
        version: Negotiated,
        credential: &Credential,
        project: &str,
        repository: &str,
    ) -> Result<GitRepository, AzureError> {
        let path = format!("{}/_apis/git/repositories/{}", encode_segment(project), encode_segment(repository));
        let path = path.as_str();
        with_fallback(version, |v| async move {
            self.get_json(base, path, &[("api-version", &v.released().to_string())], credential).await
        })
        .await
        .0
    }
}

/// Percent-encodes one path segment (project names may hold spaces).
fn encode_segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_subscription_has_the_wire_shape_and_hides_the_password_in_debug() {
        let r = SubscriptionRequest::webhook("git.push", "1.0", "P", Some("R"), "https://x/h", "pw-123");
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["consumerId"], "webHooks");
        assert_eq!(v["consumerActionId"], "httpRequest");
        assert_eq!(v["publisherInputs"]["repository"], "R");
        assert_eq!(v["consumerInputs"]["basicAuthPassword"], "pw-123");
        assert!(v.get("status").is_none());
        assert!(!format!("{r:?}").contains("pw-123"));
        let w = SubscriptionRequest::webhook("workitem.commented", "1.0", "P", Some("R"), "https://x/h", "pw");
        assert!(serde_json::to_value(&w).unwrap()["publisherInputs"].get("repository").is_none());
    }
}
