//! The integration's own Entra identity (a service principal): tenant, client id, the kind of
//! proof, the sealed client secret (or certificate private key) with its hint and when it was
//! set, and a certificate's public part, thumbprint and expiry. NULL: none. `acting_credential`:
//! which of the integration's own credentials acts (`PAT`, `APP_IDENTITY`; NULL: the app identity
//! when there is one).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Integrations {
    Table,
    AppTenantId,
    AppClientId,
    AppProof,
    AppSecretSealed,
    AppSecretHint,
    AppSecretSetAt,
    AppCertificatePem,
    AppCertificateThumbprint,
    AppCertificateExpiresAt,
    ActingCredential,
}

/// One column per statement: SQLite alters one thing at a time.
fn columns() -> Vec<ColumnDef> {
    vec![
        string_len_null(Integrations::AppTenantId, 200),
        string_len_null(Integrations::AppClientId, 36),
        string_len_null(Integrations::AppProof, 32),
        blob_null(Integrations::AppSecretSealed),
        string_len_null(Integrations::AppSecretHint, 8),
        timestamp_with_time_zone_null(Integrations::AppSecretSetAt),
        text_null(Integrations::AppCertificatePem),
        string_len_null(Integrations::AppCertificateThumbprint, 64),
        timestamp_with_time_zone_null(Integrations::AppCertificateExpiresAt),
        string_len_null(Integrations::ActingCredential, 16),
    ]
}

const NAMES: [Integrations; 10] = [
    Integrations::AppTenantId,
    Integrations::AppClientId,
    Integrations::AppProof,
    Integrations::AppSecretSealed,
    Integrations::AppSecretHint,
    Integrations::AppSecretSetAt,
    Integrations::AppCertificatePem,
    Integrations::AppCertificateThumbprint,
    Integrations::AppCertificateExpiresAt,
    Integrations::ActingCredential,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for mut column in columns() {
            manager.alter_table(Table::alter().table(Integrations::Table).add_column(&mut column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in NAMES {
            manager.alter_table(Table::alter().table(Integrations::Table).drop_column(name).to_owned()).await?;
        }
        Ok(())
    }
}
