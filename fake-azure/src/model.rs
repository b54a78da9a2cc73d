//! Public value types the tests build the fake's world from: users, PATs, Entra apps, behaviours, recorded requests.

use std::time::Duration;

use sha2::{Digest, Sha256};

/// Every PAT scope the fake knows; `Pat::full` grants all of them.
pub const ALL_SCOPES: &[&str] = &[
    "vso.code",
    "vso.code_write",
    "vso.code_manage",
    "vso.project",
    "vso.hooks",
    "vso.hooks_write",
    "vso.work",
    "vso.work_write",
    "vso.profile",
    "vso.threads_full",
];

/// An Azure DevOps identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub display_name: String,
    pub unique_name: String,
}

impl User {
    /// The default user: Dana Kim.
    pub fn dana() -> User {
        User {
            id: "5f1c2a9e-7b3d-6c44-9a21-0e8f4b6d2c11".into(),
            display_name: "Dana Kim".into(),
            unique_name: "dana@contoso.com".into(),
        }
    }

    /// Lee Park, the reviewer of the seeded pull requests.
    pub fn lee() -> User {
        User {
            id: "7e2a9c41-3b5d-4f60-8a1c-2d4e6f8a0b13".into(),
            display_name: "Lee Park".into(),
            unique_name: "lee@contoso.com".into(),
        }
    }

    /// A user whose id is derived from `unique` (same input, same id).
    pub fn new(display: &str, unique: &str) -> User {
        User {
            id: guid_from(&format!("user:{}", unique.to_ascii_lowercase())),
            display_name: display.into(),
            unique_name: unique.into(),
        }
    }
}

/// A personal access token registered for one organization.
#[derive(Clone, Debug)]
pub struct Pat {
    pub user: User,
    /// Scope names such as `vso.code_write`, `vso.project`.
    pub scopes: Vec<String>,
    pub expired: bool,
    /// "All accessible organizations": the profile service answers it (200), and Services
    /// organizations refuse it since 2026-12-01 (devblogs "Retirement of global personal access
    /// tokens"). `false`: scoped to its organization, which the profile service refuses (401).
    pub global: bool,
}

impl Pat {
    /// Every scope (code, project, hooks, work, profile).
    pub fn full(user: User) -> Pat {
        Pat::with_scopes(user, ALL_SCOPES)
    }

    pub fn with_scopes(user: User, scopes: &[&str]) -> Pat {
        Pat { user, scopes: scopes.iter().map(|s| s.to_string()).collect(), expired: false, global: false }
    }

    /// A full-scope global PAT ("All accessible organizations").
    pub fn global(user: User) -> Pat {
        Pat { global: true, ..Pat::full(user) }
    }

    /// A full-scope PAT whose lifetime has ended.
    pub fn expired(user: User) -> Pat {
        Pat { expired: true, ..Pat::full(user) }
    }
}

/// Security namespace of Git repositories (`namespace-reference.md`): tokens `repoV2`,
/// `repoV2/{projectId}`, `repoV2/{projectId}/{repoId}`.
pub const GIT_NAMESPACE: &str = "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87";
/// Security namespace of service hooks: tokens `PublisherSecurity`, `PublisherSecurity/{projectId}`.
pub const SERVICE_HOOKS_NAMESPACE: &str = "cb594ebe-87dd-4fc9-ac2c-6a10a4c92046";
/// Git permission bits (`securityNamespaces` example of vsts-rest-api-specs).
pub const GIT_GENERIC_READ: u32 = 2;
pub const GIT_GENERIC_CONTRIBUTE: u32 = 4;
pub const GIT_CREATE_BRANCH: u32 = 16;
pub const GIT_PULL_REQUEST_CONTRIBUTE: u32 = 16384;
/// ServiceHooks permission bits (`view-permission.md`).
pub const HOOKS_VIEW_SUBSCRIPTIONS: u32 = 1;
pub const HOOKS_EDIT_SUBSCRIPTIONS: u32 = 2;

/// One access control entry: an identity's allow or deny of `bits` on a security token.
///
/// Permissions are the identity's (ACLs), not the token's (scopes). With no entry on a token or
/// its ancestors, a project-level token or deeper is allowed (the seeded users are contributors
/// and administrators of every project) and a root token (`repoV2`, `PublisherSecurity`) is not:
/// an Allow granted at project level is not seen from the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ace {
    /// The user's id.
    pub identity: String,
    pub namespace: String,
    /// e.g. `repoV2/{projectId}`; matched case-insensitively.
    pub token: String,
    pub bits: u32,
    pub allow: bool,
}

impl Ace {
    pub fn new(user: &User, namespace: &str, token: &str, bits: u32, allow: bool) -> Ace {
        Ace { identity: user.id.clone(), namespace: namespace.into(), token: token.into(), bits, allow }
    }
}

/// An organization member's access level; Repos needs Basic (docs/azure-devops-wire.md §6.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessLevel {
    Basic,
    Stakeholder,
}

/// A confidential client registered in an Entra tenant.
#[derive(Clone, Debug)]
pub struct EntraApp {
    pub client_id: String,
    pub client_secret: String,
    pub secret_expired: bool,
}

/// How an Azure DevOps Server collection differs from a Services organization.
#[derive(Clone, Debug, Default)]
pub struct ServerOptions {
    /// Which Server release answers: its api-versions (requests above them get 400
    /// VssVersionOutOfRangeException) and resource stages.
    pub release: ServerRelease,
    /// Answers carry `http://localhost/{collection}/...` URLs (a misconfigured public URL).
    pub localhost_urls: bool,
}

/// Azure DevOps Server releases and the highest api-version each serves
/// (`docs/integrate/concepts/rest-api-versioning.md`; 2022.1 from its `azure-devops-server-7.1` swagger).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ServerRelease {
    /// 5.0.
    Server2019,
    /// 6.0.
    Server2020,
    /// 7.0.
    Server2022,
    /// 7.1.
    #[default]
    Server2022_1,
}

impl ServerRelease {
    pub const ALL: [ServerRelease; 4] =
        [ServerRelease::Server2019, ServerRelease::Server2020, ServerRelease::Server2022, ServerRelease::Server2022_1];

    /// (major, minor) of the highest api-version this release serves.
    pub fn max_api_version(self) -> (u32, u32) {
        match self {
            ServerRelease::Server2019 => (5, 0),
            ServerRelease::Server2020 => (6, 0),
            ServerRelease::Server2022 => (7, 0),
            ServerRelease::Server2022_1 => (7, 1),
        }
    }
}

/// How the fake treats every request under one organization (or Entra tenant).
#[derive(Clone, Debug)]
pub enum Behaviour {
    Normal,
    /// 429 with the throttling headers and a RequestBlockedException envelope.
    RateLimited {
        retry_after_secs: u64,
    },
    /// Sleep, then answer normally.
    Slow(Duration),
    /// 503 with an envelope.
    ServerError,
    /// Close the TCP connection without answering.
    ResetConnection,
    /// 200 with an HTML page where JSON was expected (a proxy's or load balancer's page).
    HtmlInsteadOfJson,
    /// 200 `application/json` whose body is not JSON.
    InvalidJson,
    /// 200 `application/json` with a body of this many bytes.
    Oversized(usize),
    /// 302 to this URL (e.g. a private address a client must never follow to).
    Redirect(String),
    /// Answer normally (200 too) but as a delayed identity: `Retry-After`, `X-RateLimit-Delay`,
    /// `X-RateLimit-Remaining: 0` and the rest (`docs/integrate/concepts/rate-limits.md`).
    Delayed {
        retry_after_secs: u64,
    },
    /// Each request takes the next behaviour of the list (e.g. 429 then 200, or 503 twice then
    /// 200); once the list is used up, requests are answered normally.
    Sequence(Vec<Behaviour>),
}

/// One request as the fake received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// Percent-decoded path, as sent (case preserved).
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// First query value whose key matches `k` (case-insensitive).
    pub fn query_value(&self, k: &str) -> Option<&str> {
        self.query.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)).map(|(_, v)| v.as_str())
    }

    /// First header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The api-version from the query, else from the Accept header.
    pub fn api_version(&self) -> Option<&str> {
        self.query_value("api-version").or_else(|| self.header("accept").and_then(api_version_in_accept))
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// `application/json; api-version=7.1` → `7.1`.
pub(crate) fn api_version_in_accept(accept: &str) -> Option<&str> {
    accept.split([';', ',']).find_map(|part| {
        let (k, v) = part.split_once('=')?;
        k.trim().eq_ignore_ascii_case("api-version").then(|| v.trim())
    })
}

/// A stable GUID-shaped string derived from `seed`.
pub(crate) fn guid_from(seed: &str) -> String {
    let h = hex40(seed);
    format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

/// A stable 40-hex-digit object id derived from `seed`.
pub(crate) fn hex40(seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    digest.iter().take(20).map(|b| format!("{b:02x}")).collect()
}
