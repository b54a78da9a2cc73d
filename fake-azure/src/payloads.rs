//! Real-shaped Service Hook delivery bodies (docs/azure-devops-wire.md §4) for every event type vcslink
//! routes, in resource versions 1.0 and 2.0, for tests and the benchmark.
//!
//! `Payload::new(Event::Push, "https://dev.azure.com/contoso")` gives an envelope with a fresh `id`;
//! builder methods reshape the interesting fields; `json()` / `body()` produce the delivery.

use serde_json::{Value, json};

use crate::{API_GATEWAY_REPO_ID, PLATFORM_PROJECT_ID};

/// The user `$U` of the wire document (Dana Kim).
pub const DANA_ID: &str = "5f1c2a9e-7b3d-6c44-9a21-0e8f4b6d2c11";

/// The event types of §4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    Push,
    PullRequestCreated,
    PullRequestUpdated,
    PullRequestMerged,
    PullRequestCommented,
    WorkItemCommented,
}

impl Event {
    pub const ALL: [Event; 6] = [
        Event::Push,
        Event::PullRequestCreated,
        Event::PullRequestUpdated,
        Event::PullRequestMerged,
        Event::PullRequestCommented,
        Event::WorkItemCommented,
    ];

    /// The envelope's `eventType`.
    pub fn event_type(self) -> &'static str {
        match self {
            Event::Push => "git.push",
            Event::PullRequestCreated => "git.pullrequest.created",
            Event::PullRequestUpdated => "git.pullrequest.updated",
            Event::PullRequestMerged => "git.pullrequest.merged",
            Event::PullRequestCommented => "ms.vss-code.git-pullrequest-comment-event",
            Event::WorkItemCommented => "workitem.commented",
        }
    }
}

/// A delivery body being built.
#[derive(Clone, Debug)]
pub struct Payload {
    pub event: Event,
    /// Organization URL as Azure DevOps prints it: `https://dev.azure.com/contoso` or `https://contoso.visualstudio.com`.
    pub base: String,
    pub id: String,
    pub notification_id: Option<u64>,
    pub resource_version: String,
    pub project: String,
    pub repository: String,
    pub ref_name: String,
    pub source_ref_name: String,
    pub pull_request_number: u32,
    pub work_item_id: u32,
    pub comment: String,
    pub actor: String,
    /// A PR comment edited after it was published (`lastContentUpdatedDate` later, "has edited").
    pub edited: bool,
}

impl Payload {
    /// Defaults from the wire document; 2.0 for PR comments (what vcslink subscribes with), else 1.0.
    pub fn new(event: Event, base: &str) -> Payload {
        Payload {
            event,
            base: base.trim_end_matches('/').to_owned(),
            id: uuid::Uuid::new_v4().to_string(),
            notification_id: Some(14),
            resource_version: if event == Event::PullRequestCommented { "2.0" } else { "1.0" }.to_owned(),
            project: "Platform".into(),
            repository: "api-gateway".into(),
            ref_name: "refs/heads/main".into(),
            source_ref_name: "refs/heads/feature/rate-limit".into(),
            pull_request_number: 318,
            work_item_id: 4521,
            comment: match event {
                Event::WorkItemCommented => "Deployed to staging in build 20250304.3".into(),
                _ => "/bot retry".into(),
            },
            actor: "Dana Kim".into(),
            edited: false,
        }
    }

    pub fn id(mut self, id: &str) -> Self {
        self.id = id.into();
        self
    }
    pub fn version(mut self, v: &str) -> Self {
        self.resource_version = v.into();
        self
    }
    pub fn without_notification_id(mut self) -> Self {
        self.notification_id = None;
        self
    }
    pub fn project(mut self, p: &str) -> Self {
        self.project = p.into();
        self
    }
    pub fn repository(mut self, r: &str) -> Self {
        self.repository = r.into();
        self
    }
    /// The pushed ref, or a pull request's target ref.
    pub fn ref_name(mut self, r: &str) -> Self {
        self.ref_name = r.into();
        self
    }
    pub fn comment(mut self, c: &str) -> Self {
        self.comment = c.into();
        self
    }
    /// A PR comment edit: content updated hours after publication, message "has edited" (docs
    /// `service-hooks/events.md`, 06/16/2025 sample).
    pub fn edited(mut self) -> Self {
        self.edited = true;
        self
    }

    /// The body bytes as Azure DevOps posts them.
    pub fn body(&self) -> Vec<u8> {
        self.json().to_string().into_bytes()
    }

    /// The whole envelope.
    pub fn json(&self) -> Value {
        let b = &self.base;
        let text = self.message();
        let mut v = json!({
            "subscriptionId": "e3d1c5b7-9a2f-4c6e-8b0d-1f2a3b4c5d6e",
            "id": self.id, "eventType": self.event.event_type(), "publisherId": "tfs", "scope": "all",
            "message": {"text": text, "html": text, "markdown": text},
            "detailedMessage": {"text": format!("{text}\r\n{}", self.comment), "html": text, "markdown": text},
            "resource": self.resource(),
            "resourceVersion": self.resource_version,
            "resourceContainers": {
                "collection": {"id": "0d4c8b2a-6e1f-4a3b-9c5d-7e8f9a0b1c2d", "baseUrl": format!("{b}/")},
                "account": {"id": "a7b6c5d4-e3f2-4a1b-8c9d-0e1f2a3b4c5d", "baseUrl": format!("{b}/")},
                "project": {"id": PLATFORM_PROJECT_ID, "baseUrl": format!("{b}/")}},
            "createdDate": "2025-03-04T12:41:09.337Z"
        });
        if let Some(n) = self.notification_id {
            v["notificationId"] = json!(n);
        }
        v
    }

    fn message(&self) -> String {
        let branch = self.ref_name.trim_start_matches("refs/heads/");
        match self.event {
            Event::Push => {
                format!("{} pushed updates to branch {branch} of repository {}.", self.actor, self.repository)
            }
            Event::PullRequestCreated => format!("{} created a new pull request", self.actor),
            Event::PullRequestUpdated => format!("{} marked the pull request as completed", self.actor),
            Event::PullRequestMerged => format!("{} has created a pull request merge commit", self.actor),
            Event::PullRequestCommented if self.edited => format!("{} has edited a pull request comment", self.actor),
            // The wording for a new comment is unconfirmed; only the edit's is documented.
            Event::PullRequestCommented => format!("{} has commented on a pull request", self.actor),
            Event::WorkItemCommented => {
                format!("Bug #{} (429s under burst load) commented on by {}", self.work_item_id, self.actor)
            }
        }
    }

    fn idref(&self) -> Value {
        json!({"displayName": self.actor, "url": format!("https://vssps.dev.azure.com/contoso/_apis/Identities/{DANA_ID}"),
               "id": DANA_ID, "uniqueName": "dana@contoso.com",
               "imageUrl": format!("{}/_api/_common/identityImage?id={DANA_ID}", self.base)})
    }

    fn repo(&self) -> Value {
        let b = &self.base;
        json!({"id": API_GATEWAY_REPO_ID, "name": self.repository,
               "url": format!("{b}/{PLATFORM_PROJECT_ID}/_apis/git/repositories/{API_GATEWAY_REPO_ID}"),
               "project": {"id": PLATFORM_PROJECT_ID, "name": self.project, "url": format!("{b}/_apis/projects/{PLATFORM_PROJECT_ID}"), "state": "wellFormed", "visibility": "private"},
               "defaultBranch": "refs/heads/main", "size": 734120,
               "remoteUrl": format!("{b}/{}/_git/{}", self.project, self.repository),
               "sshUrl": format!("git@ssh.dev.azure.com:v3/contoso/{}/{}", self.project, self.repository),
               "webUrl": format!("{b}/{}/_git/{}", self.project, self.repository), "isDisabled": false})
    }

    fn resource(&self) -> Value {
        match self.event {
            Event::Push => self.push(),
            Event::PullRequestCreated | Event::PullRequestUpdated | Event::PullRequestMerged => self.pull_request(),
            Event::PullRequestCommented => self.pr_comment(),
            Event::WorkItemCommented => self.work_item(),
        }
    }

    fn push(&self) -> Value {
        let b = &self.base;
        let sha = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d";
        json!({"commits": [{"commitId": sha,
                  "author": {"name": "Dana Kim", "email": "dana@contoso.com", "date": "2025-03-04T12:40:55Z"},
                  "committer": {"name": "Dana Kim", "email": "dana@contoso.com", "date": "2025-03-04T12:40:55Z"},
                  "comment": "Tune limiter defaults",
                  "url": format!("{b}/{}/_git/{}/commit/{sha}", self.project, self.repository)}],
               "refUpdates": [{"name": self.ref_name, "oldObjectId": "a1f9e2d3c4b5a6978877665544332211ffeeddcc", "newObjectId": sha}],
               "repository": self.repo(),
               "pushedBy": {"id": DANA_ID, "displayName": self.actor, "uniqueName": "dana@contoso.com"},
               "pushId": 2291, "date": "2025-03-04T12:41:02.1187Z",
               "url": format!("{b}/{PLATFORM_PROJECT_ID}/_apis/git/repositories/{API_GATEWAY_REPO_ID}/pushes/2291")})
    }

    fn pull_request(&self) -> Value {
        let b = &self.base;
        let n = self.pull_request_number;
        let api = format!("{b}/{PLATFORM_PROJECT_ID}/_apis/git/repositories/{API_GATEWAY_REPO_ID}");
        let mut pr = json!({"repository": self.repo(), "pullRequestId": n, "codeReviewId": n,
            "status": if self.event == Event::PullRequestUpdated { "completed" } else { "active" },
            "createdBy": self.idref(), "creationDate": "2025-03-04T10:21:07.8812345Z",
            "title": "Add token bucket limiter", "description": "Per-tenant limits.",
            "sourceRefName": self.source_ref_name, "targetRefName": self.ref_name,
            "mergeStatus": "succeeded", "isDraft": false, "mergeId": "0b7e5c2a-91d4-4f63-8a2e-6c1d3b9f0e57",
            "lastMergeSourceCommit": {"commitId": "5d0c8e3f7a21b94e6f0d1c2b3a4958677e6f5a4b", "url": format!("{api}/commits/5d0c8e3f7a21b94e6f0d1c2b3a4958677e6f5a4b")},
            "lastMergeTargetCommit": {"commitId": "a1f9e2d3c4b5a6978877665544332211ffeeddcc", "url": format!("{api}/commits/a1f9e2d3c4b5a6978877665544332211ffeeddcc")},
            "lastMergeCommit": {"commitId": "7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9e8d", "url": format!("{api}/commits/7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9e8d")},
            "reviewers": [{"reviewerUrl": format!("{api}/pullRequests/{n}/reviewers/7e2a9c41-0000-4000-8000-000000000001"), "vote": 0,
                           "hasDeclined": false, "isFlagged": false, "id": "7e2a9c41-0000-4000-8000-000000000001",
                           "displayName": "Lee Park", "uniqueName": "lee@contoso.com"}],
            "url": format!("{api}/pullRequests/{n}"),
            "_links": {"web": {"href": format!("{b}/{}/_git/{}/pullrequest/{n}", self.project, self.repository)},
                       "statuses": {"href": format!("{api}/pullRequests/{n}/statuses")}},
            "supportsIterations": true, "artifactId": format!("vstfs:///Git/PullRequestId/{PLATFORM_PROJECT_ID}%2f{API_GATEWAY_REPO_ID}%2f{n}")});
        if self.event == Event::PullRequestUpdated {
            pr["commits"] = json!([{"commitId": "5d0c8e3f7a21b94e6f0d1c2b3a4958677e6f5a4b", "url": format!("{api}/commits/5d0c8e3f7a21b94e6f0d1c2b3a4958677e6f5a4b")}]);
            pr["closedDate"] = json!("2025-03-04T12:00:00Z");
        }
        pr
    }

    /// 2.0: `{comment, pullRequest}`; 1.0: the comment alone, naming its pull request only in `_links`.
    fn pr_comment(&self) -> Value {
        let b = &self.base;
        let api = format!("{b}/{PLATFORM_PROJECT_ID}/_apis/git/repositories/{API_GATEWAY_REPO_ID}");
        let n = self.pull_request_number;
        let mut author = self.idref();
        author.as_object_mut().map(|o| o.remove("imageUrl"));
        let updated = if self.edited { "2025-03-04T16:41:52.88Z" } else { "2025-03-04T13:05:10.12Z" };
        let comment = json!({"id": 3, "parentCommentId": 1, "author": author, "content": self.comment,
            "publishedDate": "2025-03-04T13:05:10.12Z", "lastUpdatedDate": updated,
            "lastContentUpdatedDate": updated, "commentType": "text",
            "_links": {"self": {"href": format!("{api}/pullRequests/{n}/threads/1207/comments/3")},
                       "repository": {"href": api.clone()},
                       "threads": {"href": format!("{api}/pullRequests/{n}/threads/1207")}}});
        if self.resource_version.starts_with('1') {
            return comment;
        }
        json!({"comment": comment, "pullRequest": self.pull_request()})
    }

    fn work_item(&self) -> Value {
        let b = &self.base;
        let id = self.work_item_id;
        json!({"id": id, "rev": 9,
            "fields": {"System.AreaPath": format!("{}\\Gateway", self.project), "System.TeamProject": self.project,
                       "System.IterationPath": format!("{}\\Sprint 42", self.project), "System.WorkItemType": "Bug",
                       "System.State": "Active", "System.Reason": "Approved", "System.CreatedDate": "2025-02-27T09:00:00Z",
                       "System.CreatedBy": self.actor, "System.ChangedDate": "2025-03-04T12:00:41.53Z",
                       "System.ChangedBy": self.actor, "System.Title": "429s under burst load", "System.History": self.comment},
            "_links": {"self": {"href": format!("{b}/_apis/wit/workItems/{id}")},
                       "workItemUpdates": {"href": format!("{b}/_apis/wit/workItems/{id}/updates")},
                       "workItemRevisions": {"href": format!("{b}/_apis/wit/workItems/{id}/revisions")},
                       "workItemType": {"href": format!("{b}/{PLATFORM_PROJECT_ID}/_apis/wit/workItemTypes/Bug")},
                       "fields": {"href": format!("{b}/_apis/wit/fields")}},
            "url": format!("{b}/_apis/wit/workItems/{id}")})
    }
}

/// Microsoft's own sample payload of `event`, byte for byte as the Service Hooks event reference
/// prints it (`testdata/service-hooks/`, sources in its `SOURCES.md`).
pub fn sample(event: Event) -> &'static [u8] {
    match event {
        Event::Push => include_bytes!("../testdata/service-hooks/git.push.json"),
        Event::PullRequestCreated => include_bytes!("../testdata/service-hooks/git.pullrequest.created.json"),
        Event::PullRequestUpdated => include_bytes!("../testdata/service-hooks/git.pullrequest.updated.json"),
        Event::PullRequestMerged => include_bytes!("../testdata/service-hooks/git.pullrequest.merged.json"),
        Event::PullRequestCommented => {
            include_bytes!("../testdata/service-hooks/ms.vss-code.git-pullrequest-comment-event.json")
        }
        Event::WorkItemCommented => include_bytes!("../testdata/service-hooks/workitem.commented.json"),
    }
}
