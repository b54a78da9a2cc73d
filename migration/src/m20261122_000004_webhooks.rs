//! Webhooks: the delivery ledger (deduplicated per integration and event id), installed service
//! hooks, the previous webhook password during its grace window, automations and their outbox.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Integrations {
    Table,
    Id,
}

fn to_integration(from: (impl IntoIden, impl IntoIden)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(Integrations::Table, Integrations::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(string_len(WebhookDeliveries::Id, 36).primary_key())
                    .col(string_len(WebhookDeliveries::TenantId, 36))
                    .col(string_len(WebhookDeliveries::IntegrationId, 36))
                    .col(string_len(WebhookDeliveries::EventId, 200))
                    .col(big_integer_null(WebhookDeliveries::NotificationId))
                    .col(string_len_null(WebhookDeliveries::SubscriptionId, 200))
                    .col(string_len(WebhookDeliveries::EventType, 200))
                    .col(string_len(WebhookDeliveries::Kind, 40))
                    .col(string_len_null(WebhookDeliveries::PublisherId, 100))
                    .col(string_len_null(WebhookDeliveries::ResourceVersion, 20))
                    .col(string_len_null(WebhookDeliveries::Organization, 200))
                    .col(string_len_null(WebhookDeliveries::ProjectId, 100))
                    .col(string_len_null(WebhookDeliveries::Project, 200))
                    .col(string_len_null(WebhookDeliveries::RepositoryId, 100))
                    .col(string_len_null(WebhookDeliveries::Repository, 200))
                    .col(string_len_null(WebhookDeliveries::RefName, 400))
                    .col(string_len_null(WebhookDeliveries::SourceRefName, 400))
                    .col(text_null(WebhookDeliveries::Commits))
                    .col(integer_null(WebhookDeliveries::PullRequestNumber))
                    .col(integer_null(WebhookDeliveries::WorkItemId))
                    .col(string_len_null(WebhookDeliveries::Actor, 400))
                    .col(text_null(WebhookDeliveries::CommentText))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::EventCreatedAt))
                    .col(timestamp_with_time_zone(WebhookDeliveries::ReceivedAt))
                    .col(integer(WebhookDeliveries::DuplicateCount).default(0))
                    .col(string_len(WebhookDeliveries::Outcome, 20))
                    .col(text_null(WebhookDeliveries::OutcomeMessage))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::ProcessedAt))
                    .col(text(WebhookDeliveries::Payload))
                    .foreign_key(&mut to_integration((WebhookDeliveries::Table, WebhookDeliveries::IntegrationId)))
                    .to_owned(),
            )
            .await?;
        // The dedup guarantee, also across replicas: inserts are `ON CONFLICT DO NOTHING` on it.
        manager
            .create_index(
                Index::create()
                    .name("ux_webhook_deliveries_event")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::IntegrationId)
                    .col(WebhookDeliveries::EventId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_deliveries_ledger")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::IntegrationId)
                    .col(WebhookDeliveries::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ServiceHooks::Table)
                    .col(string_len(ServiceHooks::Id, 36).primary_key())
                    .col(string_len(ServiceHooks::TenantId, 36))
                    .col(string_len(ServiceHooks::IntegrationId, 36))
                    .col(string_len(ServiceHooks::SubscriptionId, 100))
                    .col(string_len(ServiceHooks::EventType, 200))
                    .col(string_len(ServiceHooks::ProjectId, 100))
                    .col(string_len(ServiceHooks::Project, 200))
                    .col(string_len_null(ServiceHooks::RepositoryId, 100))
                    .col(string_len_null(ServiceHooks::Repository, 200))
                    .col(timestamp_with_time_zone(ServiceHooks::CreatedAt))
                    .col(timestamp_with_time_zone(ServiceHooks::UpdatedAt))
                    .foreign_key(&mut to_integration((ServiceHooks::Table, ServiceHooks::IntegrationId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_service_hooks_integration")
                    .table(ServiceHooks::Table)
                    .col(ServiceHooks::IntegrationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookGracePasswords::Table)
                    .col(string_len(WebhookGracePasswords::Id, 36).primary_key())
                    .col(blob(WebhookGracePasswords::PasswordSealed))
                    .col(timestamp_with_time_zone(WebhookGracePasswords::ValidUntil))
                    .foreign_key(&mut to_integration((WebhookGracePasswords::Table, WebhookGracePasswords::Id)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Automations::Table)
                    .col(string_len(Automations::Id, 36).primary_key())
                    .col(string_len(Automations::TenantId, 36))
                    .col(string_len(Automations::IntegrationId, 36))
                    .col(string_len(Automations::Name, 100))
                    .col(text(Automations::EventTypes))
                    .col(string_len_null(Automations::Project, 200))
                    .col(string_len_null(Automations::Repository, 200))
                    .col(string_len_null(Automations::Branch, 400))
                    .col(string_len_null(Automations::TriggerPhrase, 400))
                    .col(string_len(Automations::TargetUrl, 2048))
                    .col(blob_null(Automations::SecretSealed))
                    .col(timestamp_with_time_zone(Automations::CreatedAt))
                    .foreign_key(&mut to_integration((Automations::Table, Automations::IntegrationId)))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AutomationOutbox::Table)
                    .col(string_len(AutomationOutbox::Id, 36).primary_key())
                    .col(string_len(AutomationOutbox::DeliveryId, 36))
                    .col(string_len(AutomationOutbox::AutomationId, 36))
                    .col(string_len(AutomationOutbox::Status, 20))
                    .col(integer(AutomationOutbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(AutomationOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(AutomationOutbox::LeaseUntil))
                    .col(integer_null(AutomationOutbox::ResponseStatus))
                    .col(text_null(AutomationOutbox::LastError))
                    .col(timestamp_with_time_zone(AutomationOutbox::CreatedAt))
                    .col(timestamp_with_time_zone(AutomationOutbox::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AutomationOutbox::Table, AutomationOutbox::DeliveryId)
                            .to(WebhookDeliveries::Table, WebhookDeliveries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AutomationOutbox::Table, AutomationOutbox::AutomationId)
                            .to(Automations::Table, Automations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_automation_outbox_due")
                    .table(AutomationOutbox::Table)
                    .col(AutomationOutbox::Status)
                    .col(AutomationOutbox::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AutomationOutbox::Table.into_iden(),
            Automations::Table.into_iden(),
            WebhookGracePasswords::Table.into_iden(),
            ServiceHooks::Table.into_iden(),
            WebhookDeliveries::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    TenantId,
    IntegrationId,
    EventId,
    NotificationId,
    SubscriptionId,
    EventType,
    Kind,
    PublisherId,
    ResourceVersion,
    Organization,
    ProjectId,
    Project,
    RepositoryId,
    Repository,
    RefName,
    SourceRefName,
    Commits,
    PullRequestNumber,
    WorkItemId,
    Actor,
    CommentText,
    EventCreatedAt,
    ReceivedAt,
    DuplicateCount,
    Outcome,
    OutcomeMessage,
    ProcessedAt,
    Payload,
}

#[derive(DeriveIden)]
enum ServiceHooks {
    Table,
    Id,
    TenantId,
    IntegrationId,
    SubscriptionId,
    EventType,
    ProjectId,
    Project,
    RepositoryId,
    Repository,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookGracePasswords {
    Table,
    Id,
    PasswordSealed,
    ValidUntil,
}

#[derive(DeriveIden)]
enum Automations {
    Table,
    Id,
    TenantId,
    IntegrationId,
    Name,
    EventTypes,
    Project,
    Repository,
    Branch,
    TriggerPhrase,
    TargetUrl,
    SecretSealed,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AutomationOutbox {
    Table,
    Id,
    DeliveryId,
    AutomationId,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    ResponseStatus,
    LastError,
    CreatedAt,
    UpdatedAt,
}
