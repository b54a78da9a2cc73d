//! Identities (IMS): `GET {org}/_apis/identities` by `identityIds` or by `searchFilter` +
//! `filterValue`, as on `vssps.dev.azure.com/{org}` (spec `vsts-rest-api-specs`
//! `specification/ims/7.1/identities.json`, examples `SearchIdentityByEmail`, `SearchPCVUByName`).
//!
//! Scope `vso.identity` (or `vso.identity_manage`); without it 401, as every scoped route answers
//! a PAT that lacks its scope. The known identities are the users behind the organization's PATs.
//! An id that names nobody comes back as `null` in `value` (the VSS identity service's way;
//! **unconfirmed** for this route); a query with neither ids nor a search filter is a 400
//! (wording **unconfirmed**).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use crate::errors;
use crate::http::json;
use crate::identity::{connection_identity, descriptor};
use crate::model::User;
use crate::router::Ctx;

pub fn read(ctx: &mut Ctx) -> Response {
    if !ctx.req.is_read() {
        return errors::method_not_allowed();
    }
    if !ctx.principal.has_any(&["vso.identity", "vso.identity_manage"]) {
        return errors::unauthorized(Some(&ctx.principal.user.id));
    }
    let org = ctx.org();
    let mut known: Vec<User> = org.pats.values().map(|p| p.user.clone()).collect();
    known.sort_by(|a, b| a.id.cmp(&b.id));
    known.dedup_by(|a, b| a.id == b.id);
    let shape = |u: &User| identity(u, &org.tenant_id);
    let value: Vec<Value> = if let Some(ids) = ctx.req.q("identityIds") {
        ids.split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map(|i| known.iter().find(|u| u.id.eq_ignore_ascii_case(i)).map(shape).unwrap_or(Value::Null))
            .collect()
    } else if let (Some(filter), Some(value)) = (ctx.req.q("searchFilter"), ctx.req.q("filterValue")) {
        let value = value.to_ascii_lowercase();
        let hit = |u: &&User| match filter.to_ascii_lowercase().as_str() {
            "general" => u.display_name.to_ascii_lowercase() == value || u.unique_name.to_ascii_lowercase() == value,
            "displayname" => u.display_name.to_ascii_lowercase() == value,
            "mailaddress" | "accountname" => u.unique_name.to_ascii_lowercase() == value,
            _ => false,
        };
        known.iter().filter(hit).map(shape).collect()
    } else {
        return errors::bad_request(
            "VS800078: Specify descriptors, identityIds, subjectDescriptors or searchFilter with filterValue.",
        );
    };
    json(StatusCode::OK, &json!({"count": value.len(), "value": value}))
}

/// An identity as the identities API returns it.
fn identity(u: &User, tenant_id: &str) -> Value {
    let base = connection_identity(u, tenant_id);
    json!({
        "id": u.id,
        "descriptor": base["descriptor"],
        "subjectDescriptor": descriptor(u),
        "providerDisplayName": u.display_name,
        "isActive": true,
        "members": [], "memberOf": [], "memberIds": [],
        "properties": {
            "SchemaClassName": {"$type": "System.String", "$value": "User"},
            "Account": {"$type": "System.String", "$value": u.unique_name},
            "Mail": {"$type": "System.String", "$value": u.unique_name},
        },
        "resourceVersion": 2,
        "metaTypeId": 0,
    })
}
