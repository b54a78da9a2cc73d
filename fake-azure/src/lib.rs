//! Fake Azure DevOps (Services and Server) plus Microsoft Entra ID on one loopback port, answering with the real wire shapes.
//!
//! `FakeAzure::start()` seeds the default world (org `contoso`, projects `Platform` and `Website`,
//! repos, branches, PRs, a full-scope PAT, an Entra tenant with one app); tests reshape it through
//! the handle and read back every request with `requests()`.

mod auth;
mod cluster_oidc;
mod core;
mod entra;
mod entra_assertion;
mod entra_faults;
mod entra_federation;
mod entra_issue;
pub mod entra_keys;
mod entra_token;
mod errors;
mod etag;
mod git;
mod git_json;
mod helpers;
mod hook_target;
mod hooks;
mod http;
mod id_token_faults;
mod identities;
mod identity;
mod imds;
mod in_flight;
mod model;
pub mod payloads;
mod profile;
mod pulls;
mod repo_shapes;
mod router;
mod security;
mod seed;
mod server;
mod state;
mod threads;
mod versions;
mod wit;

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::watch;

pub use entra_faults::EntraFault;
pub use id_token_faults::IdTokenFault;
pub use model::{
    ALL_SCOPES, AccessLevel, Ace, Behaviour, EntraApp, GIT_CREATE_BRANCH, GIT_GENERIC_CONTRIBUTE, GIT_GENERIC_READ,
    GIT_NAMESPACE, GIT_PULL_REQUEST_CONTRIBUTE, HOOKS_EDIT_SUBSCRIPTIONS, HOOKS_VIEW_SUBSCRIPTIONS, Pat,
    RecordedRequest, SERVICE_HOOKS_NAMESPACE, ServerOptions, ServerRelease, User,
};

/// The Azure DevOps resource (application) id in Entra.
pub const ADO_RESOURCE_ID: &str = "499b84ac-1321-427f-aa17-267ca6975798";
/// The seeded Services organization.
pub const DEFAULT_ORG: &str = "contoso";
/// A full-scope PAT of Dana Kim for `contoso`.
pub const DEFAULT_PAT: &str = "q7ye3mzk5tlwa2rn6hxd4cpfo3vub7gsj2ki5nwe6ytla4rhmzcq";
/// The Entra tenant behind `contoso`.
pub const DEFAULT_TENANT: &str = "3e1f2a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b";
/// The confidential client registered in `DEFAULT_TENANT`.
pub const DEFAULT_CLIENT_ID: &str = "11112222-bbbb-3333-cccc-4444dddd5555";
pub const DEFAULT_CLIENT_SECRET: &str = "fake~Secret.Value_8Q~dN3kRw5yTz0aBcDeFgHiJkLmN";
/// An app registered in `DEFAULT_TENANT` for an integration's own identity (a service principal);
/// not a member of any organization until a test adds it (`add_service_principal`).
pub const APP_IDENTITY_CLIENT_ID: &str = "5d6e7f80-9a0b-4c1d-8e2f-3a4b5c6d7e8f";
pub const APP_IDENTITY_SECRET: &str = "app~Identity.Secret_7P~vM2nQw4xRy6zS8aTbUcVdWeXfYgZ";
/// A certificate credential uploaded to the app identity, and its private key (test keys, `keys/`).
pub const APP_IDENTITY_CERTIFICATE_PEM: &str = include_str!("../keys/app-identity-cert.pem");
pub const APP_IDENTITY_PRIVATE_KEY_PEM: &str = include_str!("../keys/app-identity-key.pem");
/// A certificate (and key) uploaded to no app.
pub const UNREGISTERED_CERTIFICATE_PEM: &str = include_str!("../keys/unregistered-cert.pem");
pub const UNREGISTERED_PRIVATE_KEY_PEM: &str = include_str!("../keys/unregistered-key.pem");

/// Seeded ids, for assertions.
pub const PLATFORM_PROJECT_ID: &str = "9a6f3c1e-2b4d-4e8a-b0c7-5d1e2f3a4b5c";
pub const API_GATEWAY_REPO_ID: &str = "c4b2a1d0-3e5f-4a6b-8c7d-9e0f1a2b3c4d";

/// The object id of the service principal of the app `client_id` (the fake derives it).
pub fn service_principal_id(client_id: &str) -> String {
    model::guid_from(&format!("sp:{}", client_id.to_ascii_lowercase()))
}

/// State shared by the handle and the server tasks.
pub(crate) struct Shared {
    world: Mutex<state::World>,
    pub(crate) base: String,
    shutdown: watch::Sender<bool>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, state::World> {
        self.world.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Stops the server when the last `FakeAzure` clone goes away.
struct Handle {
    shared: Arc<Shared>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        let _ = self.shared.shutdown.send(true);
    }
}

/// A running fake; cheap to clone. The server stops on `shutdown()` or when the last clone is dropped.
#[derive(Clone)]
pub struct FakeAzure {
    handle: Arc<Handle>,
}

impl std::fmt::Debug for FakeAzure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeAzure").field("base_url", &self.base_url()).finish()
    }
}

impl FakeAzure {
    /// Binds `127.0.0.1:0` and serves Azure DevOps, Entra and the profile service on that one port.
    pub async fn start() -> FakeAzure {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("fake-azure: bind 127.0.0.1:0");
        let port = listener.local_addr().expect("fake-azure: local address").port();
        let (tx, rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            world: Mutex::new(seed::world()),
            base: format!("http://127.0.0.1:{port}"),
            shutdown: tx,
        });
        tokio::spawn(server::serve(listener, shared.clone(), rx));
        FakeAzure { handle: Arc::new(Handle { shared }) }
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.handle.shared
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn base_url(&self) -> String {
        self.shared().base.clone()
    }

    /// `{base}/{org}`: a Services-style organization URL (or a Server collection URL).
    pub fn org_url(&self, org: &str) -> String {
        format!("{}/{org}", self.base_url())
    }

    /// Entra routes live at `{authority}/{tenant}/oauth2/v2.0/...` and `/{tenant}/v2.0/.well-known/openid-configuration`.
    pub fn entra_authority(&self) -> String {
        self.base_url()
    }

    /// The profile service base: `{base}/_apis/profile/profiles/me`.
    pub fn profile_url(&self) -> String {
        self.base_url()
    }

    /// Stops accepting and drops open connections.
    pub fn shutdown(&self) {
        let _ = self.shared().shutdown.send(true);
    }

    /// Every request seen, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared().lock().requests.clone()
    }

    /// The `X-VSS-ActivityId` of every answer sent, in order.
    pub fn activity_ids(&self) -> Vec<String> {
        self.shared().lock().activity_ids.clone()
    }

    pub fn clear_requests(&self) {
        self.shared().lock().requests.clear();
    }

    /// How many recorded requests have a path containing `path_contains` (case-insensitive).
    pub fn request_count(&self, path_contains: &str) -> usize {
        let needle = path_contains.to_ascii_lowercase();
        self.shared().lock().requests.iter().filter(|r| r.path.to_ascii_lowercase().contains(&needle)).count()
    }

    /// Applies to every `/{org}/...` request, and to Entra routes when `org` is a tenant id.
    pub fn set_behaviour(&self, org: &str, b: Behaviour) {
        self.shared().lock().behaviours.insert(org.to_ascii_lowercase(), b);
    }
}
