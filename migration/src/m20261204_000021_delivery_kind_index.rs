//! The deliveries list filtered by event type pages by keyset on (integration, kind, id): an
//! index in that order, so a page deep in a long ledger, and its count, read only what they return.
//! (The unfiltered list has `ix_webhook_deliveries_ledger`, the integrations list
//! `ix_integrations_tenant_created`, both already in the list's order.)

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    IntegrationId,
    Kind,
    Id,
}

const BY_KIND: &str = "ix_webhook_deliveries_kind";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let by_kind = Index::create()
            .name(BY_KIND)
            .table(WebhookDeliveries::Table)
            .col(WebhookDeliveries::IntegrationId)
            .col(WebhookDeliveries::Kind)
            .col(WebhookDeliveries::Id)
            .to_owned();
        manager.create_index(by_kind).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(BY_KIND).table(WebhookDeliveries::Table).to_owned()).await
    }
}
