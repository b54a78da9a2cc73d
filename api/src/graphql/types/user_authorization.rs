//! `UserAuthorization`: the caller's own link to Azure DevOps for one integration (never a token).

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::{Enum, SimpleObject};
use entity::user_authorization::Model;

use crate::store::user_authorizations::{self as auths, METHOD_PAT, STATUS_EXPIRED};

/// How a user connected Azure DevOps.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AuthorizationMethod {
    /// Signed in through the integration's Microsoft Entra ID OAuth app.
    Oauth,
    /// Pasted their own personal access token.
    PersonalAccessToken,
}

/// Whether the stored authorization still works.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AuthorizationStatus {
    /// Usable; OAuth access tokens are refreshed transparently.
    Active,
    /// Microsoft Entra ID refused the refresh token (expired or revoked): connect again.
    Expired,
}

/// The caller's own Azure DevOps authorization for an integration. Tokens are never shown.
#[derive(SimpleObject, Clone)]
pub struct UserAuthorization {
    /// OAuth or a personal access token.
    pub method: AuthorizationMethod,
    /// ACTIVE, or EXPIRED once the refresh token was refused.
    pub status: AuthorizationStatus,
    /// The Azure DevOps sign-in name the credential belongs to, e.g. `dana@contoso.com`.
    pub authenticated_as: String,
    /// The Microsoft Entra ID object id (`oid`) of the account that signed in, from its checked ID
    /// token: who it is, whatever its name. Null for a personal access token.
    pub account_object_id: Option<String>,
    /// The Microsoft Entra ID tenant (`tid`) of that account: the organization's tenant. Null for a
    /// personal access token.
    pub account_tenant_id: Option<String>,
    /// When the current OAuth access token expires (it is refreshed before then while a refresh
    /// token is held); null for a personal access token, whose expiry Azure DevOps does not tell.
    pub expires_at: Option<Timestamp>,
    /// The scopes granted (OAuth); empty for a personal access token.
    pub scopes: Vec<String>,
    /// Whether a refresh token is held (false when the OAuth app lacks `offline_access`).
    pub refreshable: bool,
    /// When the user connected.
    pub connected_at: Timestamp,
}

impl From<&Model> for UserAuthorization {
    fn from(m: &Model) -> Self {
        UserAuthorization {
            method: if m.method == METHOD_PAT {
                AuthorizationMethod::PersonalAccessToken
            } else {
                AuthorizationMethod::Oauth
            },
            status: if m.status == STATUS_EXPIRED { AuthorizationStatus::Expired } else { AuthorizationStatus::Active },
            authenticated_as: m.authenticated_as.clone(),
            account_object_id: m.account_object_id.clone(),
            account_tenant_id: m.account_tenant_id.clone(),
            expires_at: m.expires_at.map(Into::into),
            scopes: auths::scopes(m),
            refreshable: m.refresh_token_sealed.is_some(),
            connected_at: m.created_at.into(),
        }
    }
}
