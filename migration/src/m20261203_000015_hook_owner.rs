//! Who owns each service hook in Azure DevOps: its `createdBy` identity and which of the
//! integration's credentials created it (`PAT` or `APP_IDENTITY`). A subscription made with a
//! person's PAT stops when that person loses access; migrating to the app identity re-creates it.
//! NULL for hooks installed before: they were all created with the PAT.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ServiceHooks {
    Table,
    CreatedBy,
    CreatedWith,
}

const COLUMNS: [ServiceHooks; 2] = [ServiceHooks::CreatedBy, ServiceHooks::CreatedWith];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in COLUMNS {
            manager
                .alter_table(Table::alter().table(ServiceHooks::Table).add_column(text_null(column)).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager.alter_table(Table::alter().table(ServiceHooks::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
