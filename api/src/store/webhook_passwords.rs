//! What the webhook route checks a delivery against: the integration's sealed password, and the
//! previous one during its grace window after a rotation.

use chrono::{DateTime, Utc};
use entity::{integration, integration_tombstone, webhook_grace_password as grace};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use secrecy::{ExposeSecret, SecretString};

use crate::crypto::{Aad, Keyring, SealError};

pub const TABLE: &str = "webhook_grace_passwords";
pub const PASSWORD: &str = "password_sealed";

/// What an integration id names, for the webhook route.
pub enum Lookup {
    Live(Box<integration::Model>),
    /// Unlinked: deliveries that know one of these passwords (keyed fingerprints) get 410 Gone.
    Unlinked {
        password_fingerprints: Vec<String>,
    },
    Unknown,
}

/// Finds an integration by id in any tenant (the id in the URL is all a delivery carries).
pub async fn lookup(db: &impl ConnectionTrait, id: &str) -> Result<Lookup, DbErr> {
    if let Some(m) = integration::Entity::find_by_id(id.to_owned()).one(db).await? {
        return Ok(Lookup::Live(Box::new(m)));
    }
    if let Some(tomb) = integration_tombstone::Entity::find_by_id(id.to_owned()).one(db).await? {
        let fingerprints = tomb.webhook_password_fingerprints.unwrap_or_default();
        let password_fingerprints = fingerprints.split(',').filter(|f| !f.is_empty()).map(str::to_owned).collect();
        return Ok(Lookup::Unlinked { password_fingerprints });
    }
    Ok(Lookup::Unknown)
}

/// The previous password while its grace window lasts, and when that window ends.
pub async fn grace_password(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    integration_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Result<(SecretString, DateTime<Utc>), SealError>>, DbErr> {
    let row =
        grace::Entity::find_by_id(integration_id.to_owned()).filter(grace::Column::ValidUntil.gt(now)).one(db).await?;
    Ok(row.map(|r| {
        keyring.open_string(&Aad::new(TABLE, PASSWORD, integration_id), &r.password_sealed).map(|p| (p, r.valid_until))
    }))
}

/// Keeps `previous` valid until `until` (replacing any earlier grace password).
pub async fn set_grace_password(
    db: &impl ConnectionTrait,
    keyring: &Keyring,
    integration_id: &str,
    previous: &SecretString,
    until: DateTime<Utc>,
) -> Result<(), DbErr> {
    let sealed = keyring.seal_str(&Aad::new(TABLE, PASSWORD, integration_id), previous.expose_secret());
    let row = grace::ActiveModel {
        id: Set(integration_id.to_owned()),
        password_sealed: Set(sealed),
        valid_until: Set(until),
    };
    grace::Entity::insert(row)
        .on_conflict(
            OnConflict::column(grace::Column::Id)
                .update_columns([grace::Column::PasswordSealed, grace::Column::ValidUntil])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(|_| ())
}
