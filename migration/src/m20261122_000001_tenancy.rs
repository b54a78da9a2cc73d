//! Tenants, their users, API tokens (argon2id hashes only) and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tenants::Table)
                    .col(string_len(Tenants::Id, 36).primary_key())
                    .col(string_len_uniq(Tenants::Name, 100))
                    .col(timestamp_with_time_zone(Tenants::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(string_len(Users::Id, 36).primary_key())
                    .col(string_len(Users::TenantId, 36))
                    .col(string_len(Users::Name, 200))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Users::Table, Users::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_users_tenant_name")
                    .table(Users::Table)
                    .col(Users::TenantId)
                    .col(Users::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(string_len(ApiTokens::Id, 36).primary_key())
                    .col(string_len(ApiTokens::TenantId, 36))
                    .col(string_len(ApiTokens::UserId, 36))
                    .col(string_len_null(ApiTokens::Name, 200))
                    .col(string_len(ApiTokens::Role, 16))
                    .col(string_len(ApiTokens::LookupKey, 16))
                    .col(string_len(ApiTokens::Hash, 255))
                    .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ApiTokens::Table, ApiTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_api_tokens_lookup")
                    .table(ApiTokens::Table)
                    .col(ApiTokens::LookupKey)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_api_tokens_tenant")
                    .table(ApiTokens::Table)
                    .col(ApiTokens::TenantId)
                    .col(ApiTokens::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(string_len(AuditEvents::Id, 36).primary_key())
                    .col(string_len(AuditEvents::TenantId, 36))
                    .col(string_len(AuditEvents::Actor, 200))
                    .col(string_len_null(AuditEvents::TokenId, 36))
                    .col(string_len(AuditEvents::Action, 64))
                    .col(string_len_null(AuditEvents::TargetId, 64))
                    .col(text(AuditEvents::Details))
                    .col(timestamp_with_time_zone(AuditEvents::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_events_tenant")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::TenantId)
                    .col(AuditEvents::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvents::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            Users::Table.into_iden(),
            Tenants::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum Tenants {
    Table,
    Id,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
pub(crate) enum Users {
    Table,
    Id,
    TenantId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    TenantId,
    UserId,
    Name,
    Role,
    LookupKey,
    Hash,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    TenantId,
    Actor,
    TokenId,
    Action,
    TargetId,
    Details,
    CreatedAt,
}
