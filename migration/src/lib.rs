//! The database schema, as SeaORM migrations run at start and by `vcslink migrate`.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_tenancy;
mod m20261122_000002_integrations;
mod m20261122_000003_user_authorizations;
mod m20261122_000004_webhooks;
mod m20261202_000005_delivery_details;
mod m20261202_000009_hook_password_pending;
mod m20261202_000010_parked_authorizations;
mod m20261202_000011_tombstone_password;
mod m20261203_000012_user_authorization_methods;
mod m20261203_000013_entra_account;
mod m20261203_000014_app_identity;
mod m20261203_000015_hook_owner;
mod m20261203_000016_token_expiry;
mod m20261204_000017_secret_versions;
mod m20261204_000018_oauth_state_indexes;
mod m20261204_000019_purged_deliveries;
mod m20261204_000020_outbox_claim_token;
mod m20261204_000021_delivery_kind_index;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_tenancy::Migration),
            Box::new(m20261122_000002_integrations::Migration),
            Box::new(m20261122_000003_user_authorizations::Migration),
            Box::new(m20261122_000004_webhooks::Migration),
            Box::new(m20261202_000005_delivery_details::Migration),
            Box::new(m20261202_000009_hook_password_pending::Migration),
            Box::new(m20261202_000010_parked_authorizations::Migration),
            Box::new(m20261202_000011_tombstone_password::Migration),
            Box::new(m20261203_000012_user_authorization_methods::Migration),
            Box::new(m20261203_000013_entra_account::Migration),
            Box::new(m20261203_000014_app_identity::Migration),
            Box::new(m20261203_000015_hook_owner::Migration),
            Box::new(m20261203_000016_token_expiry::Migration),
            Box::new(m20261204_000017_secret_versions::Migration),
            Box::new(m20261204_000018_oauth_state_indexes::Migration),
            Box::new(m20261204_000019_purged_deliveries::Migration),
            Box::new(m20261204_000020_outbox_claim_token::Migration),
            Box::new(m20261204_000021_delivery_kind_index::Migration),
        ]
    }
}
