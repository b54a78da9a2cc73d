//! Users' own Azure DevOps authorizations (OAuth tokens or a personal PAT, sealed) and pending OAuth states.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_tenancy::Users;
use crate::m20261122_000002_integrations::Integrations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UserAuthorizations::Table)
                    .col(string_len(UserAuthorizations::Id, 36).primary_key())
                    .col(string_len(UserAuthorizations::TenantId, 36))
                    .col(string_len(UserAuthorizations::UserId, 36))
                    .col(string_len(UserAuthorizations::IntegrationId, 36))
                    .col(string_len(UserAuthorizations::Method, 32))
                    .col(string_len(UserAuthorizations::Status, 16))
                    .col(blob_null(UserAuthorizations::AccessTokenSealed))
                    .col(blob_null(UserAuthorizations::RefreshTokenSealed))
                    .col(blob_null(UserAuthorizations::PatSealed))
                    .col(timestamp_with_time_zone_null(UserAuthorizations::ExpiresAt))
                    .col(text(UserAuthorizations::Scopes))
                    .col(string_len(UserAuthorizations::AuthenticatedAs, 320))
                    .col(big_integer(UserAuthorizations::Version))
                    .col(timestamp_with_time_zone(UserAuthorizations::CreatedAt))
                    .col(timestamp_with_time_zone(UserAuthorizations::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserAuthorizations::Table, UserAuthorizations::IntegrationId)
                            .to(Integrations::Table, Integrations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserAuthorizations::Table, UserAuthorizations::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_user_authorizations_owner")
                    .table(UserAuthorizations::Table)
                    .col(UserAuthorizations::TenantId)
                    .col(UserAuthorizations::UserId)
                    .col(UserAuthorizations::IntegrationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthStates::Table)
                    .col(string_len(OauthStates::Id, 36).primary_key())
                    .col(string_len(OauthStates::StateHash, 64))
                    .col(string_len(OauthStates::TenantId, 36))
                    .col(string_len(OauthStates::UserId, 36))
                    .col(string_len(OauthStates::IntegrationId, 36))
                    .col(blob(OauthStates::VerifierSealed))
                    .col(text_null(OauthStates::ReturnUrl))
                    .col(timestamp_with_time_zone(OauthStates::ExpiresAt))
                    .col(timestamp_with_time_zone(OauthStates::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OauthStates::Table, OauthStates::IntegrationId)
                            .to(Integrations::Table, Integrations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_oauth_states_hash")
                    .table(OauthStates::Table)
                    .col(OauthStates::StateHash)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OauthStates::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(UserAuthorizations::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum UserAuthorizations {
    Table,
    Id,
    TenantId,
    UserId,
    IntegrationId,
    Method,
    Status,
    AccessTokenSealed,
    RefreshTokenSealed,
    PatSealed,
    ExpiresAt,
    Scopes,
    AuthenticatedAs,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OauthStates {
    Table,
    Id,
    StateHash,
    TenantId,
    UserId,
    IntegrationId,
    VerifierSealed,
    ReturnUrl,
    ExpiresAt,
    CreatedAt,
}
