//! Tombstones keep keyed fingerprints of the webhook passwords the integration accepted, so the
//! webhook route says 410 only to a sender that knows one (anyone else gets 401, as for an unknown
//! id): unlinked ids cannot be enumerated.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IntegrationTombstones {
    Table,
    WebhookPasswordFingerprints,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IntegrationTombstones::Table)
                    .add_column(text_null(IntegrationTombstones::WebhookPasswordFingerprints))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IntegrationTombstones::Table)
                    .drop_column(IntegrationTombstones::WebhookPasswordFingerprints)
                    .to_owned(),
            )
            .await
    }
}
