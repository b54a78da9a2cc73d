//! Completing a user's OAuth authorization: the parked grant the callback left under a handle
//! becomes the caller's authorization, only when the caller is the (tenant, user) who started it.
//! Anyone else, and any unknown, expired or used handle, gets `NOT_FOUND`: a handle is no use to
//! whoever's browser happened to finish the sign-in.

use entity::{parked_authorization, user_authorization};

use crate::auth::Principal;
use crate::domain::entra_account::EntraAccount;
use crate::domain::user_authorization_methods::UserAuthorizationMethod;
use crate::error::ApiError;
use crate::store;
use crate::store::audit::Actor;
use crate::store::parked_authorizations::{self as parked, TakeError};
use crate::store::user_authorizations::{self as auths, Owner, Secrets};
use crate::user_authorizations::Accounts;

fn owner(p: &Principal) -> parked::Principal<'_> {
    parked::Principal { tenant_id: &p.tenant_id, user_id: &p.user_id }
}

fn gone() -> ApiError {
    ApiError::not_found("pending authorization")
}

/// The caller's own parked grant for `handle`, to show which Azure DevOps account it connects;
/// `None` for anyone else's, or an unknown, expired or used handle.
pub async fn pending(
    state: &Accounts,
    p: &Principal,
    handle: &str,
) -> Result<Option<parked_authorization::Model>, ApiError> {
    Ok(parked::peek(&state.db, owner(p), handle).await?)
}

/// Takes the caller's parked grant and stores it as their authorization (replacing any previous
/// one), with its audit line, in one transaction.
pub async fn complete(
    state: &Accounts,
    p: &Principal,
    actor: &Actor,
    handle: &str,
) -> Result<user_authorization::Model, ApiError> {
    let txn = crate::store::begin_write(&state.db).await?;
    parked::purge_expired(&txn, chrono::Utc::now()).await?;
    let taken = match parked::take(&txn, &state.keyring, owner(p), handle).await {
        Ok(Some(t)) => t,
        Ok(None) => return Err(gone()),
        Err(TakeError::Db(e)) => return Err(e.into()),
        Err(e @ TakeError::Seal(_)) => return Err(ApiError::internal(e)),
    };
    let row = &taken.row;
    // OAuth may have been taken out of the integration's methods since the flow started: the
    // grant is then dropped with the handle, and stored for nobody.
    let m = store::integrations::get(&txn, &p.tenant_id, &row.integration_id).await?.ok_or_else(gone)?;
    if let Err(refused) = super::methods::require(&m, UserAuthorizationMethod::OAuth) {
        txn.commit().await?;
        return Err(refused);
    }
    let scopes: Vec<String> = serde_json::from_str(&row.scopes).unwrap_or_default();
    let account = account_of(row);
    let secrets = Secrets::OAuth {
        access: &taken.access,
        refresh: taken.refresh.as_ref(),
        expires_at: row.token_expires_at,
        account: account.as_ref(),
    };
    let integration = Owner { tenant_id: &p.tenant_id, user_id: &p.user_id, integration_id: &row.integration_id };
    let stored = auths::put(&txn, &state.keyring, integration, secrets, &scopes, &row.authenticated_as).await?;
    let details = serde_json::json!({
        "method": auths::METHOD_OAUTH, "authenticatedAs": row.authenticated_as, "scopes": scopes,
        "refreshable": taken.refresh.is_some(),
        "accountObjectId": row.account_object_id, "accountTenantId": row.account_tenant_id,
    });
    store::audit::record(&txn, actor, "user_authorization.connect", Some(&row.integration_id), details).await?;
    txn.commit().await?;
    Ok(stored)
}

/// The Entra account a parked grant recorded (both ids, or none).
fn account_of(row: &parked_authorization::Model) -> Option<EntraAccount> {
    let (object_id, tenant_id) = (row.account_object_id.clone()?, row.account_tenant_id.clone()?);
    Some(EntraAccount { object_id, tenant_id })
}
