//! The fake's world: organizations and collections, projects, repositories, PRs, PATs, Entra tenants and tokens.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::model::{Ace, Behaviour, EntraApp, Pat, RecordedRequest, ServerOptions, User, guid_from};

pub const ZERO_ID: &str = "0000000000000000000000000000000000000000";

#[derive(Default)]
pub struct World {
    /// Keyed by lower-case org / collection name.
    pub orgs: HashMap<String, Org>,
    /// Keyed by lower-case org or tenant name.
    pub behaviours: HashMap<String, Behaviour>,
    /// Keyed by lower-case tenant id.
    pub tenants: HashMap<String, Tenant>,
    pub access_tokens: HashMap<String, AccessToken>,
    pub auth_codes: HashMap<String, AuthCode>,
    pub refresh_tokens: HashMap<String, RefreshToken>,
    pub requests: Vec<RecordedRequest>,
    /// The `X-VSS-ActivityId` of every answer sent, in order.
    pub activity_ids: Vec<String>,
    /// Next `/authorize` answers with this error instead of a code.
    pub deny_next_authorization: Option<String>,
    /// Users' code and refresh grants are refused with this error (see `entra_faults.rs`).
    pub user_grant_fault: Option<crate::entra_faults::EntraFault>,
    /// Certificates (PEM) uploaded to apps, by lower-case client id (see `entra_assertion.rs`).
    pub app_certificates: HashMap<String, Vec<String>>,
    /// Federated identity credentials of apps, by lower-case client id (see `entra_federation.rs`).
    pub federated_credentials: HashMap<String, Vec<crate::entra_federation::FederatedCredential>>,
    /// Public issuer origins reached at a loopback base (`serve_issuer_behind`).
    pub issuer_fronts: Vec<(String, String)>,
    /// Managed identities assigned to the host (lower-case client ids; see `imds.rs`).
    pub managed_identities: std::collections::HashSet<String>,
    /// Code redemptions answer with a spoiled ID token (see `id_token_faults.rs`).
    pub id_token_fault: Option<crate::id_token_faults::IdTokenFault>,
    /// Send ETags on JSON GET answers and honour `If-None-Match` with 304 (see `etag.rs`).
    pub etags: bool,
    /// Requests being answered now, and the most at once, by lower-case first path segment.
    pub in_flight: HashMap<String, usize>,
    pub most_in_flight: HashMap<String, usize>,
}

pub struct Org {
    pub name: String,
    pub server: Option<ServerOptions>,
    pub tenant_id: String,
    pub instance_id: String,
    pub oauth_blocked: bool,
    pub projects: Vec<Project>,
    pub repos: Vec<Repo>,
    pub pats: HashMap<String, Pat>,
    /// Identities' permissions (see `Ace` and `security::allowed`).
    pub acl: Vec<Ace>,
    /// Server only: IIS Basic authentication is on, so IIS answers every PAT itself with its
    /// 401 (Basic/Negotiate/NTLM, no Bearer) before Azure DevOps sees it (docs `iis-basic-auth.md`).
    pub iis_basic_auth: bool,
    pub hooks: Vec<HookSubscription>,
    pub work_items: BTreeMap<u32, WorkItem>,
    /// Pull request, thread-comment and work-item-comment ids are unique per collection.
    pub next_pr_id: u32,
    pub next_thread_id: u32,
    pub next_wi_comment_id: u32,
    /// Service principals and managed identities added to the organization, by their Entra object id
    /// (lower case), with their access level (docs/azure-devops-wire.md §6.1).
    pub service_principals: HashMap<String, crate::model::AccessLevel>,
}

impl Org {
    pub fn new(name: &str, server: Option<ServerOptions>, tenant_id: &str) -> Org {
        Org {
            name: name.into(),
            server,
            tenant_id: tenant_id.into(),
            instance_id: guid_from(&format!("instance:{}", name.to_ascii_lowercase())),
            oauth_blocked: false,
            projects: Vec::new(),
            repos: Vec::new(),
            pats: HashMap::new(),
            acl: Vec::new(),
            iis_basic_auth: false,
            hooks: Vec::new(),
            work_items: BTreeMap::new(),
            next_pr_id: 1,
            next_thread_id: 1,
            next_wi_comment_id: 1,
            service_principals: HashMap::new(),
        }
    }

    /// A project by GUID or name, case-insensitive.
    pub fn project(&self, key: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.id.eq_ignore_ascii_case(key) || p.name.eq_ignore_ascii_case(key))
    }

    pub fn project_by_id(&self, id: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }

    /// A repository by GUID or name, within `project` when given.
    pub fn repo_index(&self, project_id: Option<&str>, key: &str) -> Option<usize> {
        self.repos.iter().position(|r| {
            project_id.is_none_or(|p| r.project_id == p)
                && (r.id.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
        })
    }
}

pub struct Tenant {
    pub id: String,
    pub apps: Vec<EntraApp>,
    /// Who "signs in" at `/authorize`.
    pub sign_in_user: User,
}

#[derive(Clone)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub description: String,
    pub revision: u32,
    pub visibility: String,
    pub last_update: DateTime<Utc>,
}

#[derive(Clone)]
pub struct Commit {
    pub id: String,
    pub parent: Option<String>,
    pub message: String,
    pub author: User,
    pub date: DateTime<Utc>,
}

#[derive(Clone)]
pub struct GitRef {
    pub object_id: String,
    pub creator: User,
}

pub struct Repo {
    pub id: String,
    pub name: String,
    pub project_id: String,
    pub default_branch: Option<String>,
    pub size: u64,
    pub is_disabled: bool,
    /// Full ref name → ref, sorted by name as the real service lists them.
    pub refs: BTreeMap<String, GitRef>,
    pub commits: Vec<Commit>,
    pub prs: Vec<PullRequest>,
}

impl Repo {
    pub fn has_commit(&self, id: &str) -> bool {
        self.commits.iter().any(|c| c.id.eq_ignore_ascii_case(id))
    }

    /// History from `head` following first parents, newest first.
    pub fn history(&self, head: &str) -> Vec<&Commit> {
        let mut out = Vec::new();
        let mut next = Some(head.to_string());
        while let Some(id) = next {
            match self.commits.iter().find(|c| c.id == id) {
                Some(c) if out.len() < self.commits.len() => {
                    out.push(c);
                    next = c.parent.clone();
                }
                _ => break,
            }
        }
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PrStatus {
    Active,
    Completed,
    Abandoned,
}

impl PrStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PrStatus::Active => "active",
            PrStatus::Completed => "completed",
            PrStatus::Abandoned => "abandoned",
        }
    }
}

#[derive(Clone)]
pub struct PullRequest {
    pub id: u32,
    pub title: String,
    pub description: String,
    pub source: String,
    pub target: String,
    pub status: PrStatus,
    pub is_draft: bool,
    pub created_by: User,
    pub creation_date: DateTime<Utc>,
    pub closed_date: Option<DateTime<Utc>>,
    /// Reviewer and vote (10 approved, 5 with suggestions, 0 none, -5 waiting, -10 rejected).
    pub reviewers: Vec<(User, i32)>,
    pub merge_id: String,
    pub source_commit: String,
    pub target_commit: String,
    pub merge_commit: Option<String>,
    pub threads: Vec<Thread>,
}

#[derive(Clone)]
pub struct Thread {
    pub id: u32,
    pub status: String,
    pub context: Value,
    pub properties: Value,
    pub published: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub comments: Vec<Comment>,
}

#[derive(Clone)]
pub struct Comment {
    pub id: u32,
    pub parent: u32,
    /// `None` for the service account of system threads.
    pub author: Option<User>,
    pub content: String,
    pub comment_type: String,
    pub published: DateTime<Utc>,
}

pub struct HookSubscription {
    pub id: String,
    /// The subscription as the fake answers it, confidential inputs in clear.
    pub body: Value,
}

pub struct WorkItem {
    pub id: u32,
    pub project_id: String,
    pub comments: Vec<WorkItemComment>,
}

#[derive(Clone)]
pub struct WorkItemComment {
    pub id: u32,
    pub text: String,
    pub author: User,
    pub date: DateTime<Utc>,
    pub format: String,
}

#[derive(Clone)]
pub struct AccessToken {
    pub user: User,
    /// ADO scope names without the resource prefix (`vso.code`, `user_impersonation`).
    pub scopes: Vec<String>,
    pub audience: String,
    pub tenant_id: String,
    pub expires_at: DateTime<Utc>,
    /// Issued to an application itself (client credentials, managed identity): its `user` is the
    /// service principal, which must be a member of the organization.
    pub app_only: bool,
}

#[derive(Clone)]
pub struct AuthCode {
    pub client_id: String,
    pub tenant_id: String,
    pub redirect_uri: String,
    pub challenge: Option<(String, String)>,
    pub scope: String,
    pub nonce: Option<String>,
    pub user: User,
    pub used: bool,
    pub expired: bool,
}

#[derive(Clone)]
pub struct RefreshToken {
    pub client_id: String,
    pub tenant_id: String,
    pub scope: String,
    pub user: User,
    pub valid: bool,
}
