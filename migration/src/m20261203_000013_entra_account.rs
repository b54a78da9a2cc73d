//! The Entra account behind a user's OAuth authorization, from its checked ID token: object id
//! (`oid`) and tenant (`tid`). NULL for personal access tokens and for grants made before.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum UserAuthorizations {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum ParkedAuthorizations {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Column {
    AccountObjectId,
    AccountTenantId,
}

const COLUMNS: [Column; 2] = [Column::AccountObjectId, Column::AccountTenantId];

/// One column per statement: SQLite alters one thing at a time.
fn add(table: impl IntoIden + Clone, column: Column) -> TableAlterStatement {
    Table::alter().table(table).add_column(text_null(column)).to_owned()
}

fn drop(table: impl IntoIden + Clone, column: Column) -> TableAlterStatement {
    Table::alter().table(table).drop_column(column).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager.alter_table(add(UserAuthorizations::Table, column)).await?;
            manager.alter_table(add(ParkedAuthorizations::Table, column)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager.alter_table(drop(UserAuthorizations::Table, column)).await?;
            manager.alter_table(drop(ParkedAuthorizations::Table, column)).await?;
        }
        Ok(())
    }
}
