//! `repository(integrationId, fullName)`: one repository by `organization/project/repository`.

use async_graphql::{Context, ID, Object};

use crate::browse::credential::Purpose;
use crate::browse::repositories;
use crate::browse::scope::Scope;
use crate::domain::global_id::{BadId, Kind, decode};
use crate::error::ApiError;
use crate::graphql::context;
use crate::graphql::types::browse::repository::Repository;
use crate::store;

#[derive(Default)]
pub struct BrowseQuery;

/// `organization/project/repository`, each part non-empty.
pub fn parse_full_name(full_name: &str) -> Result<(&str, &str, &str), ApiError> {
    let parts: Vec<&str> = full_name.trim().split('/').collect();
    match parts.as_slice() {
        [org, project, repo] if !org.is_empty() && !project.is_empty() && !repo.is_empty() => Ok((org, project, repo)),
        _ => Err(ApiError::validation(
            "fullName",
            "expected organization/project/repository",
            Some("use organization/project/repository, e.g. contoso/Platform/api-gateway"),
        )),
    }
}

#[Object]
impl BrowseQuery {
    /// One repository by `organization/project/repository` (case-insensitive, like Azure DevOps);
    /// null when it does not exist, the credential cannot see it, or `accessibleProjects` excludes it.
    async fn repository(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The integration to read through (global ID).")] integration_id: ID,
        #[graphql(desc = "`organization/project/repository`, e.g. `contoso/Platform/api-gateway`.")] full_name: String,
    ) -> Result<Option<Repository>, ApiError> {
        let p = context::principal(ctx)?;
        let browse = context::browse(ctx)?;
        let (org, project, name) = parse_full_name(&full_name)?;
        let raw = match decode(Kind::AzureDevOpsIntegration, &integration_id, "integration", "integrationId") {
            Ok(raw) => raw,
            Err(BadId::Unknown(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let Some(integration) = store::integrations::get(&browse.db, &p.tenant_id, &raw).await? else {
            return Ok(None);
        };
        if !integration.organization.eq_ignore_ascii_case(org) {
            return Ok(None);
        }
        let scope = Scope::open(browse, p, integration, Purpose::Read).await?;
        let repo = repositories::get(browse, &scope, project, name).await?;
        Ok(repo.map(|r| Repository::new(scope, r)))
    }
}
