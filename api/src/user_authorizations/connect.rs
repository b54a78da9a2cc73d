//! Connecting and disconnecting the caller's own Azure DevOps account: starting OAuth, storing a
//! personal access token Azure DevOps accepted, forgetting the tokens; each audited in one transaction.

use entity::{integration, user_authorization};

use super::start::{self, Started};
use crate::auth::Principal;
use crate::azure::Credential;
use crate::azure::whoami::whoami;
use crate::domain::secrets::PersonalAccessToken;
use crate::domain::user_authorization_methods::UserAuthorizationMethod;
use crate::error::{ApiError, Call, from_azure};
use crate::store;
use crate::store::audit::Actor;
use crate::store::user_authorizations::{self as auths, Owner, Secrets};
use crate::user_authorizations::Accounts;

/// Starts the OAuth flow for the caller (see `start::start`) and records it.
pub async fn start_oauth(
    state: &Accounts,
    p: &Principal,
    actor: &Actor,
    m: &integration::Model,
    request: start::Request<'_>,
) -> Result<Started, ApiError> {
    let txn = crate::store::begin_write(&state.db).await?;
    let started = start::start(state, &txn, p, m, request).await?;
    store::audit::record(&txn, actor, "user_authorization.start", Some(&m.id), serde_json::json!({})).await?;
    txn.commit().await?;
    Ok(started)
}

/// Problems worth showing the user about a started authorization.
pub fn warnings(started: &Started) -> Vec<String> {
    let mut warnings = Vec::new();
    if started.missing_offline_access {
        warnings.push(
            "the OAuth app's scopes lack offline_access: no refresh token will be issued, so you will \
             have to connect again when the access token expires (about an hour)"
                .to_owned(),
        );
    }
    warnings
}

/// Stores the caller's personal access token once Azure DevOps said whom it belongs to, replacing
/// any previous authorization of the caller for `m`. A token Azure DevOps refuses is `VALIDATION`;
/// an integration that does not let users connect with one is `FORBIDDEN`.
pub async fn set_personal_access_token(
    state: &Accounts,
    p: &Principal,
    actor: &Actor,
    m: &integration::Model,
    token: &PersonalAccessToken,
) -> Result<user_authorization::Model, ApiError> {
    super::methods::require(m, UserAuthorizationMethod::PersonalAccessToken)?;
    let org_url = url::Url::parse(&m.organization_url).map_err(ApiError::internal)?;
    let credential = Credential::from_secret(token.secret().clone());
    let who = whoami(&state.azure, &org_url, &credential)
        .await
        .map_err(|e| from_azure(&e, Call::CheckToken { organization: &m.organization }))?;
    let txn = crate::store::begin_write(&state.db).await?;
    let owner = Owner { tenant_id: &p.tenant_id, user_id: &p.user_id, integration_id: &m.id };
    let row = auths::put(&txn, &state.keyring, owner, Secrets::Pat(token.secret()), &[], &who).await?;
    let details = serde_json::json!({ "method": auths::METHOD_PAT, "authenticatedAs": who });
    store::audit::record(&txn, actor, "user_authorization.connect", Some(&m.id), details).await?;
    txn.commit().await?;
    Ok(row)
}

/// Deletes the caller's own tokens for `m`; false when there were none (then nothing is audited).
pub async fn disconnect(
    state: &Accounts,
    p: &Principal,
    actor: &Actor,
    m: &integration::Model,
) -> Result<bool, ApiError> {
    let txn = crate::store::begin_write(&state.db).await?;
    let owner = Owner { tenant_id: &p.tenant_id, user_id: &p.user_id, integration_id: &m.id };
    let disconnected = auths::delete(&txn, owner).await?;
    if disconnected {
        store::audit::record(&txn, actor, "user_authorization.disconnect", Some(&m.id), serde_json::json!({})).await?;
    }
    txn.commit().await?;
    Ok(disconnected)
}
