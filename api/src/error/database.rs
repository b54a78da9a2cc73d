//! Database errors at the GraphQL boundary: a unique violation is the caller's conflict and names
//! its constraint; anything else is `INTERNAL` and keeps its whole cause for the log.

use sea_orm::{DbErr, SqlErr};

use super::ApiError;

/// The unique constraints of the schema, by index name, with the columns SQLite names instead
/// (`UNIQUE constraint failed: users.tenant_id, users.name`) and what a clash means to a caller.
const CONSTRAINTS: &[(&str, &str, &str)] = &[
    ("ux_users_tenant_name", "users.tenant_id, users.name", "a user with this name already exists"),
    (
        "ux_integrations_tenant_name",
        "integrations.tenant_id, integrations.name_key",
        "an integration with this name already exists",
    ),
    (
        "ux_user_authorizations_owner",
        "user_authorizations.tenant_id, user_authorizations.user_id, user_authorizations.integration_id",
        "this user already has an authorization for the integration",
    ),
    ("ux_oauth_states_hash", "oauth_states.state_hash", "this authorization state is already in use"),
    (
        "ux_webhook_deliveries_event",
        "webhook_deliveries.integration_id, webhook_deliveries.event_id",
        "this delivery is already stored",
    ),
];

/// The unique constraint `e` violates, by name (`ux_…`, or the backend's own words for one the
/// schema does not list), or `None` when `e` is something else.
pub fn unique_violation(e: &DbErr) -> Option<String> {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(detail)) => Some(constraint_named(&detail)),
        _ => None,
    }
}

/// The constraint a backend's unique-violation message is about.
fn constraint_named(detail: &str) -> String {
    let known = CONSTRAINTS.iter().find(|(name, columns, _)| detail.contains(name) || detail.ends_with(columns));
    match known {
        Some((name, _, _)) => (*name).to_owned(),
        // PostgreSQL quotes the name: `duplicate key value violates unique constraint "…"`.
        None => detail.split('"').nth(1).unwrap_or(detail).to_owned(),
    }
}

/// Unique-constraint violations are a client's conflict, not our failure.
pub fn is_unique_violation(e: &DbErr) -> bool {
    unique_violation(e).is_some()
}

/// `e` and every error below it, for the log.
pub fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}

impl From<DbErr> for ApiError {
    fn from(e: DbErr) -> Self {
        if let Some(constraint) = unique_violation(&e) {
            let meaning = CONSTRAINTS.iter().find(|(name, ..)| *name == constraint).map(|(_, _, m)| *m);
            return ApiError::Conflict {
                message: format!(
                    "{} (unique constraint {constraint})",
                    meaning.unwrap_or("a resource with the same key already exists")
                ),
                hint: None,
            };
        }
        ApiError::Internal(format!("database: {}", with_causes(&e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_constraint_is_named_from_either_backends_words() {
        for (name, columns, _) in CONSTRAINTS {
            assert_eq!(constraint_named(&format!("UNIQUE constraint failed: {columns}")), *name);
            let postgres = format!("duplicate key value violates unique constraint \"{name}\"");
            assert_eq!(constraint_named(&postgres), *name);
        }
        let other = "duplicate key value violates unique constraint \"tenants_pkey\"";
        assert_eq!(constraint_named(other), "tenants_pkey");
    }

    #[derive(Debug, thiserror::Error)]
    #[error("pool timed out")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn an_internal_error_keeps_every_cause() {
        let e = Outer(std::io::Error::other("disk full"));
        assert_eq!(with_causes(&e), "pool timed out: disk full");
    }
}
