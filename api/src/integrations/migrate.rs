//! `migrateIntegrationCredential`: moving the integration's own identity between its PAT and its
//! app identity without a gap. The target credential is verified alone first; only a green
//! verification switches `acting_credential`, so until then the current one keeps answering every
//! call, and migrating back to the PAT is the roll-back. An app identity added by update to an
//! integration with a PAT does not act until migrated to (see `update.rs`). Moving to the app
//! identity also moves the service hooks the PAT created (`service_hooks/rehome.rs`), so they stop
//! depending on the PAT's owner.

use crate::auth::Principal;
use crate::azure::verification::Verification;
use crate::azure::verify;
use crate::domain::integration::Status;
use crate::error::ApiError;
use crate::integrations::{Integrations, credentials};
use crate::service_hooks::rehome::{self, Rehomed};
use crate::store::{self, audit::Actor, integrations as rows};

/// Which of its own credentials the integration should act with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum To {
    PersonalAccessToken,
    AppIdentity,
}

/// What a migration did.
pub struct Migrated {
    pub integration: entity::integration::Model,
    pub verification: Verification,
    /// False: the target failed its verification and the current credential still acts.
    pub switched: bool,
    /// The service hooks the PAT created, moved to the app identity (`to: APP_IDENTITY` only).
    pub service_hooks: Rehomed,
}

pub async fn migrate(
    state: &Integrations,
    p: &Principal,
    actor: &Actor,
    id: &str,
    to: To,
) -> Result<Migrated, ApiError> {
    let current = rows::get(&state.db, &p.tenant_id, id).await?.ok_or(ApiError::not_found("integration"))?;
    let mut target = credentials::target_of(&state.keyring, &state.azure, &current)?;
    target.oauth = None;
    let (acting, missing) = match to {
        To::AppIdentity => {
            target.pat = None;
            (rows::ACTING_APP_IDENTITY, target.app_identity.is_none().then_some("appIdentity"))
        }
        To::PersonalAccessToken => {
            target.app_identity = None;
            (rows::ACTING_PAT, target.pat.is_none().then_some("personalAccessToken"))
        }
    };
    if let Some(field) = missing {
        return Err(ApiError::validation(
            "to",
            format!("the integration has no {field} to migrate to"),
            Some(&format!("set {field} with updateAzureDevOpsIntegration first")),
        ));
    }
    let v = verify::verify(&state.azure, &target).await;
    let json = serde_json::to_string(&v).map_err(ApiError::internal)?;
    let txn = crate::store::begin_write(&state.db).await?;
    let current = rows::get(&txn, &p.tenant_id, id).await?.ok_or(ApiError::not_found("integration"))?;
    let model =
        if v.ok { rows::set_acting_credential(&txn, current, acting, Status::Healthy, json).await? } else { current };
    let details = serde_json::json!({ "to": acting, "switched": v.ok, "code": v.code.as_str() });
    store::audit::record(&txn, actor, "integration.migrate_credential", Some(id), details).await?;
    txn.commit().await?;
    let service_hooks = match to {
        To::AppIdentity if v.ok => {
            rehome::to_app_identity(&state.service_hooks, actor, &model).await.unwrap_or_else(|error| {
                tracing::warn!(integration = %model.id, ?error, "service hooks could not be moved to the app identity");
                Rehomed {
                    failure: Some("the service hooks could not be read or reached; migrate again".into()),
                    ..Rehomed::default()
                }
            })
        }
        _ => Rehomed::default(),
    };
    Ok(Migrated { integration: model, switched: v.ok, verification: v, service_hooks })
}
