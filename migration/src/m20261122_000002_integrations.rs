//! Azure DevOps integrations with their sealed secrets, tombstones of unlinked ones, idempotency keys.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_tenancy::Tenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Integrations::Table)
                    .col(string_len(Integrations::Id, 36).primary_key())
                    .col(string_len(Integrations::TenantId, 36))
                    .col(string_len(Integrations::Name, 100))
                    .col(string_len(Integrations::NameKey, 100))
                    .col(text_null(Integrations::Description))
                    .col(text(Integrations::Labels))
                    .col(boolean(Integrations::IsDefault))
                    .col(string_len(Integrations::Flavor, 16))
                    .col(string_len(Integrations::OrganizationUrl, 512))
                    .col(string_len(Integrations::Organization, 200))
                    .col(text_null(Integrations::AccessibleProjects))
                    .col(blob_null(Integrations::PatSealed))
                    .col(string_len_null(Integrations::PatHint, 8))
                    .col(timestamp_with_time_zone_null(Integrations::PatSetAt))
                    .col(timestamp_with_time_zone_null(Integrations::PatExpiresAt))
                    .col(string_len_null(Integrations::OauthTenantId, 200))
                    .col(string_len_null(Integrations::OauthIssuerUrl, 512))
                    .col(string_len_null(Integrations::OauthAuthorizationUrl, 512))
                    .col(string_len_null(Integrations::OauthTokenUrl, 512))
                    .col(string_len_null(Integrations::OauthClientId, 200))
                    .col(blob_null(Integrations::OauthClientSecretSealed))
                    .col(string_len_null(Integrations::OauthClientSecretHint, 8))
                    .col(timestamp_with_time_zone_null(Integrations::OauthClientSecretSetAt))
                    .col(text_null(Integrations::OauthScopes))
                    .col(blob(Integrations::WebhookPasswordSealed))
                    .col(timestamp_with_time_zone(Integrations::WebhookPasswordSetAt))
                    .col(timestamp_with_time_zone_null(Integrations::LastDeliveryAt))
                    .col(string_len(Integrations::Status, 16))
                    .col(text_null(Integrations::LastVerification))
                    .col(timestamp_with_time_zone(Integrations::CreatedAt))
                    .col(timestamp_with_time_zone(Integrations::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Integrations::Table, Integrations::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_integrations_tenant_name")
                    .table(Integrations::Table)
                    .col(Integrations::TenantId)
                    .col(Integrations::NameKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_integrations_tenant_created")
                    .table(Integrations::Table)
                    .col(Integrations::TenantId)
                    .col(Integrations::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IntegrationTombstones::Table)
                    .col(string_len(IntegrationTombstones::Id, 36).primary_key())
                    .col(string_len(IntegrationTombstones::TenantId, 36))
                    .col(timestamp_with_time_zone(IntegrationTombstones::UnlinkedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(string_len(IdempotencyKeys::TenantId, 36))
                    .col(string_len(IdempotencyKeys::Scope, 64))
                    .col(string_len(IdempotencyKeys::Key, 200))
                    .col(string_len(IdempotencyKeys::Fingerprint, 64))
                    .col(string_len(IdempotencyKeys::ResourceId, 36))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKeys::TenantId)
                            .col(IdempotencyKeys::Scope)
                            .col(IdempotencyKeys::Key),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IdempotencyKeys::Table.into_iden(),
            IntegrationTombstones::Table.into_iden(),
            Integrations::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub(crate) enum Integrations {
    Table,
    Id,
    TenantId,
    Name,
    NameKey,
    Description,
    Labels,
    IsDefault,
    Flavor,
    OrganizationUrl,
    Organization,
    AccessibleProjects,
    PatSealed,
    PatHint,
    PatSetAt,
    PatExpiresAt,
    OauthTenantId,
    OauthIssuerUrl,
    OauthAuthorizationUrl,
    OauthTokenUrl,
    OauthClientId,
    OauthClientSecretSealed,
    OauthClientSecretHint,
    OauthClientSecretSetAt,
    OauthScopes,
    WebhookPasswordSealed,
    WebhookPasswordSetAt,
    LastDeliveryAt,
    Status,
    LastVerification,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum IntegrationTombstones {
    Table,
    Id,
    TenantId,
    UnlinkedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    TenantId,
    Scope,
    Key,
    Fingerprint,
    ResourceId,
    CreatedAt,
}
