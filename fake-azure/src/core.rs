//! Core area: `_apis/connectionData` and `_apis/projects` (list with `$top`/`$skip`/continuationToken, and one).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use crate::errors;
use crate::http::{iso, json, set};
use crate::identity::connection_identity;
use crate::router::Ctx;
use crate::state::Project;

const LAST_CHANGE_ID: i64 = 48_120_577;
const PROJECTS_PAGE: usize = 100;

/// Preview-only: a released api-version gets 400 VssInvalidPreviewVersionException (§3.1).
pub fn connection_data(ctx: &mut Ctx) -> Response {
    if !ctx.req.is_read() {
        return errors::method_not_allowed();
    }
    if let Some(refused) = crate::versions::require_preview(ctx.req) {
        return refused;
    }
    let org = ctx.org();
    let who = connection_identity(&ctx.principal.user, &org.tenant_id);
    let mut location = json!({
        "serviceOwner": "00025394-6065-48ca-87d9-7f5672854ef7",
        "defaultAccessMappingMoniker": "PublicAccessMapping",
        "lastChangeId": LAST_CHANGE_ID,
        "lastChangeId64": LAST_CHANGE_ID,
    });
    if ctx.req.q("connectOptions").is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("IncludeServices")) {
        location["serviceDefinitions"] = json!([{
            "serviceType": "LocationService2",
            "identifier": "951917ac-a960-4999-8464-e3f0aa25b381",
            "displayName": "Location Service",
            "relativeToSetting": "fullyQualified",
            "relativePath": "",
            "serviceOwner": "00025394-6065-48ca-87d9-7f5672854ef7",
            "locationMappings": [{"accessMappingMoniker": "PublicAccessMapping", "location": ctx.public_base()}],
        }]);
    }
    if ctx.req.q("lastChangeId").and_then(|v| v.parse::<i64>().ok()) == Some(LAST_CHANGE_ID) {
        location["clientCacheFresh"] = json!(true);
    }
    let body = json!({
        "authenticatedUser": who,
        "authorizedUser": who,
        "instanceId": org.instance_id,
        "deploymentId": "4d2e6f80-1a3b-7c5d-9e0f-2b4d6f8a0c1e",
        "deploymentType": if org.server.is_some() { "onPremises" } else { "hosted" },
        "locationServiceData": location,
    });
    json(StatusCode::OK, &body)
}

pub fn project_json(p: &Project, public_base: &str) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "description": p.description,
        "url": format!("{public_base}/_apis/projects/{}", p.id),
        "state": "wellFormed",
        "revision": p.revision,
        "visibility": p.visibility,
        "lastUpdateTime": iso(p.last_update),
    })
}

/// The short project reference embedded in repositories and PRs.
pub fn project_ref(p: &Project, public_base: &str) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "url": format!("{public_base}/_apis/projects/{}", p.id),
        "state": "wellFormed",
        "revision": p.revision,
        "visibility": p.visibility,
        "lastUpdateTime": iso(p.last_update),
    })
}

/// Project routes need Project and Team (Read): without it, the bare 401 of a missing scope.
fn deny_projects(ctx: &Ctx) -> Option<Response> {
    crate::auth::require_scope(ctx, &["vso.project"])
}

pub fn projects(ctx: &mut Ctx) -> Response {
    if !ctx.req.is_read() {
        return errors::method_not_allowed();
    }
    if let Some(denied) = deny_projects(ctx) {
        return denied;
    }
    let start = match ctx.req.q("continuationToken") {
        Some(t) => match t.trim().parse::<usize>() {
            Ok(n) => n,
            Err(_) => return errors::bad_request("The continuation token is not valid."),
        },
        None => ctx.req.q_num("$skip").unwrap_or(0),
    };
    let top = ctx.req.q_num("$top").unwrap_or(PROJECTS_PAGE);
    let pb = ctx.public_base();
    let all = &ctx.org().projects;
    let page: Vec<Value> = all.iter().skip(start).take(top).map(|p| project_json(p, &pb)).collect();
    let next = start.saturating_add(top);
    let mut r = json(StatusCode::OK, &json!({"count": page.len(), "value": page}));
    if next < all.len() {
        set(&mut r, "x-ms-continuationtoken", &next.to_string());
    }
    r
}

pub fn project(ctx: &mut Ctx) -> Response {
    if !ctx.req.is_read() {
        return errors::method_not_allowed();
    }
    if let Some(denied) = deny_projects(ctx) {
        return denied;
    }
    let key = ctx.rest[2].clone();
    let pb = ctx.public_base();
    match ctx.org().project(&key) {
        Some(p) => {
            let mut body = project_json(p, &pb);
            body["_links"] = json!({
                "self": {"href": format!("{pb}/_apis/projects/{}", p.id)},
                "collection": {"href": format!("{pb}/_apis/projectCollections/{}", ctx.org().instance_id)},
                "web": {"href": format!("{pb}/{}", crate::http::enc(&p.name))},
            });
            body["defaultTeam"] = json!({
                "id": crate::model::guid_from(&format!("team:{}", p.id)),
                "name": format!("{} Team", p.name),
                "url": format!("{pb}/_apis/projects/{}/teams/{}", p.id, crate::model::guid_from(&format!("team:{}", p.id))),
            });
            json(StatusCode::OK, &body)
        }
        None => errors::project_not_found(&key),
    }
}
