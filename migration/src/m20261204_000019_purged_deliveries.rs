//! How many deliveries of an integration the retention purge removed: the rows go, the count stays.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Integrations {
    Table,
    PurgedDeliveries,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = big_integer(Integrations::PurgedDeliveries).default(0).to_owned();
        manager.alter_table(Table::alter().table(Integrations::Table).add_column(column).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let alter = Table::alter().table(Integrations::Table).drop_column(Integrations::PurgedDeliveries).to_owned();
        manager.alter_table(alter).await
    }
}
