//! The normalized event kinds (`WebhookEventType` in GraphQL) and the Azure DevOps `eventType`
//! and resource version each one is subscribed with.

/// The normalized event kinds (`WebhookEventType` in GraphQL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    CodePushed,
    PullRequestCreated,
    PullRequestUpdated,
    PullRequestMergeAttempted,
    PullRequestCommented,
    WorkItemCommented,
    Other,
}

impl EventKind {
    /// The kind of an Azure DevOps `eventType` (case-insensitive); unknown types are `Other`.
    pub fn from_event_type(event_type: &str) -> EventKind {
        match event_type.to_ascii_lowercase().as_str() {
            "git.push" => EventKind::CodePushed,
            "git.pullrequest.created" => EventKind::PullRequestCreated,
            "git.pullrequest.updated" => EventKind::PullRequestUpdated,
            "git.pullrequest.merged" => EventKind::PullRequestMergeAttempted,
            "ms.vss-code.git-pullrequest-comment-event" => EventKind::PullRequestCommented,
            "workitem.commented" => EventKind::WorkItemCommented,
            _ => EventKind::Other,
        }
    }

    /// The Azure DevOps `eventType` a subscription for this kind uses (`None` for `Other`).
    pub fn event_type(self) -> Option<&'static str> {
        Some(match self {
            EventKind::CodePushed => "git.push",
            EventKind::PullRequestCreated => "git.pullrequest.created",
            EventKind::PullRequestUpdated => "git.pullrequest.updated",
            EventKind::PullRequestMergeAttempted => "git.pullrequest.merged",
            EventKind::PullRequestCommented => "ms.vss-code.git-pullrequest-comment-event",
            EventKind::WorkItemCommented => "workitem.commented",
            EventKind::Other => return None,
        })
    }

    /// The resource version vcslink subscribes with: 2.0 for PR comments (it carries the pull request).
    pub fn resource_version(self) -> &'static str {
        match self {
            EventKind::PullRequestCommented => "2.0",
            _ => "1.0",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::CodePushed => "CODE_PUSHED",
            EventKind::PullRequestCreated => "PULL_REQUEST_CREATED",
            EventKind::PullRequestUpdated => "PULL_REQUEST_UPDATED",
            EventKind::PullRequestMergeAttempted => "PULL_REQUEST_MERGE_ATTEMPTED",
            EventKind::PullRequestCommented => "PULL_REQUEST_COMMENTED",
            EventKind::WorkItemCommented => "WORK_ITEM_COMMENTED",
            EventKind::Other => "OTHER",
        }
    }

    pub fn parse(s: &str) -> EventKind {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s).unwrap_or(EventKind::Other)
    }

    /// Every kind a service hook can be installed for.
    pub const SUBSCRIBABLE: [EventKind; 6] = [
        EventKind::CodePushed,
        EventKind::PullRequestCreated,
        EventKind::PullRequestUpdated,
        EventKind::PullRequestMergeAttempted,
        EventKind::PullRequestCommented,
        EventKind::WorkItemCommented,
    ];

    const ALL: [EventKind; 7] = [
        EventKind::CodePushed,
        EventKind::PullRequestCreated,
        EventKind::PullRequestUpdated,
        EventKind::PullRequestMergeAttempted,
        EventKind::PullRequestCommented,
        EventKind::WorkItemCommented,
        EventKind::Other,
    ];

    /// Push and pull-request events change what the browse cache holds about a repository.
    pub fn invalidates_repository(self) -> bool {
        !matches!(self, EventKind::WorkItemCommented | EventKind::Other)
    }
}
