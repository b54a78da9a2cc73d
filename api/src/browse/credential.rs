//! The credential choice, in one place: whose Azure DevOps identity a call uses.
//!
//! The caller's own authorization first (an OAuth bearer, refreshed when needed, or their
//! personal PAT). Without one, reads fall back to the integration's own credential (its app
//! identity, else its PAT; `integration_credential.rs`); writes do so only for ADMIN callers. Otherwise `NOT_AUTHORIZED_UPSTREAM`, with where to connect in `extensions`.

use crate::auth::Principal;
use crate::azure::Credential;
use crate::browse::Browse;
use crate::error::ApiError;
use crate::integration_credential::{self, Kind, Own};
use crate::store::user_authorizations::{self as auths, Owner, STATUS_ACTIVE};
use crate::user_authorizations::{self, access};

/// What the call is for: reads may use the integration's credential; writes act as the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Read,
    Write,
    /// A write an ADMIN makes as the integration itself (`actAs: INTEGRATION`): its app identity
    /// or PAT acts, whatever the caller's own authorization.
    WriteAsIntegration,
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
    state: &Browse,
    principal: &Principal,
    m: &entity::integration::Model,
    purpose: Purpose,
) -> Result<Chosen, ApiError> {
    if purpose == Purpose::WriteAsIntegration {
        return as_integration(state, principal, m).await;
    }
    let owner = Owner { tenant_id: &principal.tenant_id, user_id: &principal.user_id, integration_id: &m.id };
    let mut failure = None;
    if let Some(row) = auths::get(&state.db, owner).await? {
        // The Azure DevOps account is part of the identity: reconnecting as another account
        // never sees answers cached for the previous one.
        let identity = format!("user:{}:{}:{}", principal.user_id, access::method_tag(&row), row.authenticated_as);
        if row.status == STATUS_ACTIVE {
            match access::credential(&state.accounts, m, row).await {
                Ok(credential) => return Ok(Chosen { credential, identity }),
                Err(ApiError::ConnectAzureDevOps { message, .. }) => failure = Some(message),
                Err(other) => return Err(other),
            }
        } else {
            failure = Some(access::expired_message(m));
        }
    }
    let own = integration_credential::own(&state.azure, &state.keyring, m).await?;
    match (own, purpose) {
        (Some(own), Purpose::Read) => Ok(integration_own(own)),
        (Some(own), Purpose::Write) if principal.is_admin() => Ok(integration_own(own)),
        _ => {
            let message = failure.unwrap_or_else(|| match purpose {
                Purpose::Write | Purpose::WriteAsIntegration => format!(
                    "this acts as you in Azure DevOps, and you have not connected your Azure DevOps account for {}",
                    m.organization
                ),
                Purpose::Read => format!(
                    "you have not connected your Azure DevOps account for {}, and the integration has no personal access token",
                    m.organization
                ),
            });
            Err(user_authorizations::needs_connection(m, message))
        }
    }
}

/// The integration's own credential for an ADMIN's `actAs: INTEGRATION` write.
async fn as_integration(
    state: &Browse,
    principal: &Principal,
    m: &entity::integration::Model,
) -> Result<Chosen, ApiError> {
    if !principal.is_admin() {
        return Err(ApiError::Forbidden {
            message: "actAs: INTEGRATION needs an ADMIN token".to_owned(),
            hint: Some("omit actAs (or send USER) to act as yourself".to_owned()),
        });
    }
    match integration_credential::own(&state.azure, &state.keyring, m).await? {
        Some(own) => Ok(integration_own(own)),
        None => Err(ApiError::NotAuthorizedUpstream {
            message: "the integration has no app identity or personal access token to act with".to_owned(),
            hint: Some("set appIdentity or personalAccessToken on the integration".to_owned()),
        }),
    }
}

fn integration_own(own: Own) -> Chosen {
    Chosen { credential: own.credential, identity: own.kind.identity().to_owned() }
}

impl Chosen {
    /// Whether this is the integration's own credential (whose failure makes the integration FAILING).
    pub fn is_integration_credential(&self) -> bool {
        [Kind::AppIdentity, Kind::PersonalAccessToken].iter().any(|k| self.identity == k.identity())
    }
}
