//! Service hooks gain `password_pending_since`: when set, Azure DevOps still holds an older webhook
//! password for the subscription (its update failed), and the server retries until it succeeds.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceHooks {
    Table,
    PasswordPendingSince,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceHooks::Table)
                    .add_column(timestamp_with_time_zone_null(ServiceHooks::PasswordPendingSince))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(ServiceHooks::Table).drop_column(ServiceHooks::PasswordPendingSince).to_owned(),
            )
            .await
    }
}
