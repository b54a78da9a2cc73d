//! How many times each stored secret changed: a version per secret, 1 for every secret stored
//! before (a provider's `_wo_version` is compared with it), and when an automation's signing
//! secret was set (NULL before: its `created_at` stands in).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Integrations {
    Table,
    PatVersion,
    OauthClientSecretVersion,
    AppSecretVersion,
    WebhookPasswordVersion,
}

#[derive(DeriveIden)]
enum Automations {
    Table,
    SecretVersion,
    SecretSetAt,
}

/// One column per statement: SQLite alters a table one change at a time.
async fn add(manager: &SchemaManager<'_>, table: impl IntoIden, column: ColumnDef) -> Result<(), DbErr> {
    manager.alter_table(Table::alter().table(table).add_column(column).to_owned()).await
}

async fn drop(manager: &SchemaManager<'_>, table: impl IntoIden, column: impl IntoIden) -> Result<(), DbErr> {
    manager.alter_table(Table::alter().table(table).drop_column(column).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Integrations::PatVersion,
            Integrations::OauthClientSecretVersion,
            Integrations::AppSecretVersion,
            Integrations::WebhookPasswordVersion,
        ] {
            add(manager, Integrations::Table, integer(column).default(1).to_owned()).await?;
        }
        add(manager, Automations::Table, integer(Automations::SecretVersion).default(1).to_owned()).await?;
        add(manager, Automations::Table, timestamp_with_time_zone_null(Automations::SecretSetAt)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, Automations::Table, Automations::SecretSetAt).await?;
        drop(manager, Automations::Table, Automations::SecretVersion).await?;
        for column in [
            Integrations::WebhookPasswordVersion,
            Integrations::AppSecretVersion,
            Integrations::OauthClientSecretVersion,
            Integrations::PatVersion,
        ] {
            drop(manager, Integrations::Table, column).await?;
        }
        Ok(())
    }
}
