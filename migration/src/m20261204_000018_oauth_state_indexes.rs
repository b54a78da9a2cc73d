//! Pending OAuth states are found by expiry (the background purge) and by user and integration
//! (one pending state per pair, a few per user): an index for each, so neither scans the table.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OauthStates {
    Table,
    ExpiresAt,
    UserId,
    IntegrationId,
}

const BY_EXPIRY: &str = "idx_oauth_states_expires_at";
const BY_USER: &str = "idx_oauth_states_user_integration";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let by_expiry =
            Index::create().name(BY_EXPIRY).table(OauthStates::Table).col(OauthStates::ExpiresAt).to_owned();
        manager.create_index(by_expiry).await?;
        let by_user = Index::create()
            .name(BY_USER)
            .table(OauthStates::Table)
            .col(OauthStates::UserId)
            .col(OauthStates::IntegrationId)
            .to_owned();
        manager.create_index(by_user).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(BY_USER).table(OauthStates::Table).to_owned()).await?;
        manager.drop_index(Index::drop().name(BY_EXPIRY).table(OauthStates::Table).to_owned()).await
    }
}
