//! Profile service: `GET /_apis/profile/profiles/me` for the bearer or PAT user.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::auth::{authenticate_profile, has_scope};
use crate::errors;
use crate::http::{Req, json, set};
use crate::model::User;
use crate::state::World;

pub fn route(world: &World, req: &Req, lsegs: &[String]) -> (Response, Option<User>, Option<String>) {
    let is_me = lsegs.len() == 4 && lsegs[1] == "profile" && lsegs[2] == "profiles" && lsegs[3] == "me";
    if !is_me {
        return (errors::route_not_found(&req.path), None, None);
    }
    if !req.is_read() {
        return (errors::method_not_allowed(), None, None);
    }
    let version = req.api_version().unwrap_or_else(|| "7.1".into());
    let Some(p) = authenticate_profile(world, req) else {
        let mut r = errors::unauthorized(None);
        set(&mut r, "WWW-Authenticate", "Bearer, Basic realm=\"https://app.vssps.visualstudio.com/\"");
        return (r, None, Some(version));
    };
    if !has_scope(&p.scopes, "vso.profile") {
        return (errors::unauthorized(Some(&p.user.id)), None, Some(version));
    }
    let body = json!({
        "displayName": p.user.display_name,
        "publicAlias": p.user.id,
        "emailAddress": p.user.unique_name,
        "coreRevision": 512,
        "timeStamp": "2024-12-01T08:11:45.23+00:00",
        "id": p.user.id,
        "revision": 512,
    });
    (json(StatusCode::OK, &body), Some(p.user), Some(version))
}
