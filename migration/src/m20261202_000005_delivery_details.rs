//! Deliveries gain what a comment edit, the acting user and resolved mentions need:
//! `comment_edited` (an edited pull-request comment, not a new one), `actor_user` (the actor's
//! unique name when the payload gives one) and `comment_mentions` (JSON: identity id → display
//! name of each `@<GUID>` mention, resolved through the identities API).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    CommentEdited,
    ActorUser,
    CommentMentions,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        let columns = [
            boolean(WebhookDeliveries::CommentEdited).default(false).to_owned(),
            string_len_null(WebhookDeliveries::ActorUser, 400),
            text_null(WebhookDeliveries::CommentMentions),
        ];
        for mut column in columns {
            manager
                .alter_table(Table::alter().table(WebhookDeliveries::Table).add_column(&mut column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in
            [WebhookDeliveries::CommentMentions, WebhookDeliveries::ActorUser, WebhookDeliveries::CommentEdited]
        {
            manager.alter_table(Table::alter().table(WebhookDeliveries::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
