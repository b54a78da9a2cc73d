//! The integrations list: filtered and paged in SQL (keyset on `ix_integrations_tenant_created`,
//! tenant then id, which is the list's order), reading only the columns the page shows.
//!
//! A page that shows a few plain columns reads those alone: the rest of each row (secrets, OAuth
//! app, verification JSON) is left empty, so whatever reads such a row must ask only for the
//! [`Part`]s it uses; anything more asks for [`Read::Whole`].

use entity::integration::{self, Column, Model};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IdenStatic, PaginatorTrait, QueryFilter, QueryResult,
    QuerySelect, QueryTrait, Select,
};

use super::integrations::status_column;
use super::pagination::{ListOrder, Page, PageRequest, keyset};
use crate::domain::integration::Status;

/// Which integrations of the tenant a list holds. Labels are lower-cased and trimmed.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub status: Option<Status>,
    /// Each one must be among the integration's labels.
    pub labels: Vec<String>,
    /// The organization's canonical key (`OrganizationUrl::canonical_key`).
    pub organization: Option<String>,
    /// The `flavor` column's value.
    pub flavor: Option<&'static str>,
    pub holds_pat: bool,
    pub holds_oauth_app: bool,
    pub holds_app_identity: bool,
}

/// A column a list page may read alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Name,
    Description,
    Labels,
    IsDefault,
    Flavor,
    OrganizationUrl,
    Organization,
    Status,
    CreatedAt,
    UpdatedAt,
}

impl Part {
    fn column(self) -> Column {
        match self {
            Part::Name => Column::Name,
            Part::Description => Column::Description,
            Part::Labels => Column::Labels,
            Part::IsDefault => Column::IsDefault,
            Part::Flavor => Column::Flavor,
            Part::OrganizationUrl => Column::OrganizationUrl,
            Part::Organization => Column::Organization,
            Part::Status => Column::Status,
            Part::CreatedAt => Column::CreatedAt,
            Part::UpdatedAt => Column::UpdatedAt,
        }
    }
}

/// What a page reads of each row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Read {
    Whole,
    /// The id and these columns; every other field of the rows is empty.
    Parts(Vec<Part>),
}

/// Whether a label can be stored at all (`domain::labels`): one that cannot matches nothing, and
/// only these are matched in SQL, where a quote or a wildcard would mean something else.
fn storable(label: &str) -> bool {
    !label.is_empty() && label.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".:/-_".contains(c))
}

/// The tenant's integrations that match `filter`, or `None` when none can (a label no
/// integration can carry).
fn matching(tenant_id: &str, filter: &Filter) -> Option<Select<integration::Entity>> {
    let mut q = integration::Entity::find().filter(Column::TenantId.eq(tenant_id));
    if let Some(status) = filter.status {
        q = q.filter(Column::Status.eq(status_column(status)));
    }
    for label in &filter.labels {
        if !storable(label) {
            return None;
        }
        // Stored as a JSON array of such labels (`["a","b"]`): a quoted element is a whole label.
        let pattern = format!("%\"{}\"%", label.replace('_', "\\_"));
        q = q.filter(Expr::col(Column::Labels).like(LikeExpr::new(pattern).escape('\\')));
    }
    if let Some(organization) = &filter.organization {
        q = q.filter(Expr::expr(Func::lower(Expr::col(Column::OrganizationUrl))).eq(organization.as_str()));
    }
    if let Some(flavor) = filter.flavor {
        q = q.filter(Column::Flavor.eq(flavor));
    }
    for (wanted, column) in [
        (filter.holds_pat, Column::PatSealed),
        (filter.holds_oauth_app, Column::OauthClientId),
        (filter.holds_app_identity, Column::AppClientId),
    ] {
        if wanted {
            q = q.filter(column.is_not_null());
        }
    }
    Some(q)
}

/// The request's page of the tenant's integrations that match `filter`, oldest first.
pub async fn page(
    db: &impl ConnectionTrait,
    tenant_id: &str,
    filter: &Filter,
    read: &Read,
    req: &PageRequest,
) -> Result<Page<Model>, DbErr> {
    let Some(q) = matching(tenant_id, filter) else { return Ok(Page { items: Vec::new(), has_more: false }) };
    let q = keyset(q, Column::Id, ListOrder::OldestFirst, req);
    let rows = match read {
        Read::Whole => q.all(db).await?,
        Read::Parts(parts) => {
            let q = q.select_only().column(Column::Id).columns(parts.iter().map(|p| p.column()));
            let stmt = q.build(db.get_database_backend());
            db.query_all_raw(stmt).await?.iter().map(|row| partial(row, parts)).collect::<Result<_, _>>()?
        }
    };
    Ok(Page::from_overfetch(rows, req))
}

/// How many of the tenant's integrations match `filter`.
pub async fn count(db: &impl ConnectionTrait, tenant_id: &str, filter: &Filter) -> Result<i64, DbErr> {
    match matching(tenant_id, filter) {
        Some(q) => Ok(q.count(db).await? as i64),
        None => Ok(0),
    }
}

/// A row read as its id and `parts`, the rest empty.
fn partial(row: &QueryResult, parts: &[Part]) -> Result<Model, DbErr> {
    let mut m = empty(row.try_get("", Column::Id.as_str())?);
    for part in parts {
        let name = part.column().as_str();
        match part {
            Part::Name => m.name = row.try_get("", name)?,
            Part::Description => m.description = row.try_get("", name)?,
            Part::Labels => m.labels = row.try_get("", name)?,
            Part::IsDefault => m.is_default = row.try_get("", name)?,
            Part::Flavor => m.flavor = row.try_get("", name)?,
            Part::OrganizationUrl => m.organization_url = row.try_get("", name)?,
            Part::Organization => m.organization = row.try_get("", name)?,
            Part::Status => m.status = row.try_get("", name)?,
            Part::CreatedAt => m.created_at = row.try_get("", name)?,
            Part::UpdatedAt => m.updated_at = row.try_get("", name)?,
        }
    }
    Ok(m)
}

/// A row with only its id: every other field empty (none, zero, the epoch).
fn empty(id: String) -> Model {
    let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    Model {
        id,
        tenant_id: String::new(),
        name: String::new(),
        name_key: String::new(),
        description: None,
        labels: String::new(),
        is_default: false,
        flavor: String::new(),
        organization_url: String::new(),
        organization: String::new(),
        accessible_projects: None,
        pat_sealed: None,
        pat_hint: None,
        pat_set_at: None,
        pat_expires_at: None,
        oauth_tenant_id: None,
        oauth_issuer_url: None,
        oauth_authorization_url: None,
        oauth_token_url: None,
        oauth_client_id: None,
        oauth_client_secret_sealed: None,
        oauth_client_secret_hint: None,
        oauth_client_secret_set_at: None,
        oauth_scopes: None,
        webhook_password_sealed: Vec::new(),
        webhook_password_set_at: epoch,
        last_delivery_at: None,
        status: String::new(),
        last_verification: None,
        created_at: epoch,
        updated_at: epoch,
        user_authorization_methods: None,
        app_tenant_id: None,
        app_client_id: None,
        app_proof: None,
        app_secret_sealed: None,
        app_secret_hint: None,
        app_secret_set_at: None,
        app_certificate_pem: None,
        app_certificate_thumbprint: None,
        app_certificate_expires_at: None,
        acting_credential: None,
        pat_version: 0,
        oauth_client_secret_version: 0,
        app_secret_version: 0,
        webhook_password_version: 0,
        purged_deliveries: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_labels_that_can_be_stored_are_matched_in_sql() {
        assert!(storable("env:prod") && storable("a_b") && storable("team/x.y-z"));
        assert!(!storable("") && !storable("a\",\"b") && !storable("50%") && !storable("Env"));
        let filter = Filter { labels: vec!["a\",\"b".into()], ..Filter::default() };
        assert!(matching("t", &filter).is_none());
    }
}
