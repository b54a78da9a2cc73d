//! The outbox claim token: each claim writes its own, and only the holder of the current token may
//! renew the lease or record the result (a worker whose lease ran out cannot overwrite the send
//! another worker made since).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AutomationOutbox {
    Table,
    ClaimToken,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = string_len_null(AutomationOutbox::ClaimToken, 36);
        manager.alter_table(Table::alter().table(AutomationOutbox::Table).add_column(column).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let alter = Table::alter().table(AutomationOutbox::Table).drop_column(AutomationOutbox::ClaimToken).to_owned();
        manager.alter_table(alter).await
    }
}
