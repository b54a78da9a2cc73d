//! The ways users may connect their own Azure DevOps account to an integration (`OAUTH`,
//! `PERSONAL_ACCESS_TOKEN`, comma-separated), as the admin chose; NULL: every way it can offer.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Integrations {
    Table,
    UserAuthorizationMethods,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Integrations::Table)
                    .add_column(text_null(Integrations::UserAuthorizationMethods))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Integrations::Table)
                    .drop_column(Integrations::UserAuthorizationMethods)
                    .to_owned(),
            )
            .await
    }
}
