//! Parked authorizations: the tokens of a finished OAuth sign-in, sealed and single use, kept for
//! a few minutes until the same (tenant, user) that started the flow completes it by handle.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ParkedAuthorizations {
    Table,
    Id,
    HandleHash,
    TenantId,
    UserId,
    IntegrationId,
    AccessTokenSealed,
    RefreshTokenSealed,
    TokenExpiresAt,
    Scopes,
    AuthenticatedAs,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Integrations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ParkedAuthorizations::Table)
                    .col(string_len(ParkedAuthorizations::Id, 36).primary_key())
                    .col(string_len(ParkedAuthorizations::HandleHash, 64))
                    .col(string_len(ParkedAuthorizations::TenantId, 36))
                    .col(string_len(ParkedAuthorizations::UserId, 36))
                    .col(string_len(ParkedAuthorizations::IntegrationId, 36))
                    .col(blob(ParkedAuthorizations::AccessTokenSealed))
                    .col(blob_null(ParkedAuthorizations::RefreshTokenSealed))
                    .col(timestamp_with_time_zone(ParkedAuthorizations::TokenExpiresAt))
                    .col(text(ParkedAuthorizations::Scopes))
                    .col(string_len(ParkedAuthorizations::AuthenticatedAs, 400))
                    .col(timestamp_with_time_zone(ParkedAuthorizations::ExpiresAt))
                    .col(timestamp_with_time_zone(ParkedAuthorizations::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ParkedAuthorizations::Table, ParkedAuthorizations::IntegrationId)
                            .to(Integrations::Table, Integrations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_parked_authorizations_handle")
                    .table(ParkedAuthorizations::Table)
                    .col(ParkedAuthorizations::HandleHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_parked_authorizations_expires")
                    .table(ParkedAuthorizations::Table)
                    .col(ParkedAuthorizations::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ParkedAuthorizations::Table).to_owned()).await
    }
}
