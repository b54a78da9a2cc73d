//! The credential choice, in one place: whose Azure DevOps identity a call uses.
//!
//! Today: the integration's PAT. The user-authorization work slots the caller's own OAuth
//! token or personal PAT in front of it here, without touching any resolver.

use secrecy::SecretString;

use crate::auth::Principal;
use crate::azure::Credential;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::integrations as rows;

/// What the call is for: reads may use the integration's credential; writes act as the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Read,
    Write,
}

/// A credential ready to send, and the identity it stands for (part of every cache key, so one
/// identity's answers are never served to another).
#[derive(Clone, Debug)]
pub struct Chosen {
    pub credential: Credential,
    pub identity: String,
}

/// Chooses the credential for `principal` acting on integration `m`.
pub async fn choose(
    state: &AppState,
    principal: &Principal,
    m: &entity::integration::Model,
    purpose: Purpose,
) -> Result<Chosen, ApiError> {
    let _ = (principal, purpose);
    match rows::open_pat(&state.keyring, m).map_err(ApiError::internal)? {
        Some(pat) => Ok(integration_pat(pat)),
        None => Err(ApiError::NotAuthorizedUpstream {
            message: "this integration has no personal access token, and you have not connected Azure DevOps".into(),
            hint: Some(
                "connect your Azure DevOps account with startAzureDevOpsAuthorization or setPersonalAccessToken".into(),
            ),
        }),
    }
}

/// The identity of the integration's own PAT (users' identities are `user:...`).
pub const INTEGRATION_IDENTITY: &str = "integration-pat";

fn integration_pat(pat: SecretString) -> Chosen {
    Chosen { credential: Credential::Pat(pat), identity: INTEGRATION_IDENTITY.to_owned() }
}

impl Chosen {
    /// Whether this is the integration's own credential (whose failure makes the integration FAILING).
    pub fn is_integration_credential(&self) -> bool {
        self.identity == INTEGRATION_IDENTITY
    }
}
