//! A Service Hook subscription vcslink created in Azure DevOps for an integration.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_hooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    pub integration_id: String,
    /// The subscription id in Azure DevOps (changes when a missing subscription is re-created).
    pub subscription_id: String,
    /// The Azure DevOps event type (`git.push`, ...).
    pub event_type: String,
    pub project_id: String,
    pub project: String,
    pub repository_id: Option<String>,
    pub repository: Option<String>,
    /// Set while Azure DevOps still holds an older webhook password for the subscription (its
    /// update failed); the server retries until it succeeds.
    pub password_pending_since: Option<DateTimeUtc>,
    /// The subscription's `createdBy` in Azure DevOps (display name, else unique name).
    pub created_by: Option<String>,
    /// Which credential of the integration created it: `PAT` or `APP_IDENTITY`; NULL for hooks
    /// installed before this was recorded (all by the PAT).
    pub created_with: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
