//! Query root, merged from one object per domain.

mod audit;
mod browse;
mod integrations;
mod viewer;
mod work_items;

use async_graphql::MergedObject;

/// Reads: the caller, integrations, what Azure DevOps holds, and the audit log.
#[derive(MergedObject, Default)]
pub struct Query(
    viewer::ViewerQuery,
    integrations::IntegrationQuery,
    browse::BrowseQuery,
    audit::AuditQuery,
    work_items::WorkItemQuery,
);
