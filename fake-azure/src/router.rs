//! The single entry point: records the request, applies behaviours, authenticates and dispatches by path segments.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, body};
use tokio::sync::Notify;

use crate::auth::{self, Principal};
use crate::errors;
use crate::http::{Req, set};
use crate::model::{Behaviour, RecordedRequest, User};
use crate::state::{Org, World};
use crate::{Shared, core, entra, entra_token, git, hooks, identities, profile, security, wit};

/// Everything an Azure DevOps route handler needs.
pub struct Ctx<'a> {
    pub req: &'a Req,
    pub world: &'a mut World,
    pub org_key: String,
    pub base: &'a str,
    pub principal: Principal,
    /// Path segments after the organization, original case.
    pub rest: Vec<String>,
}

impl Ctx<'_> {
    pub fn org(&self) -> &Org {
        &self.world.orgs[&self.org_key]
    }

    pub fn org_mut(&mut self) -> &mut Org {
        self.world.orgs.get_mut(&self.org_key).expect("organization checked before dispatch")
    }

    /// `{base}/{org}`, or `http://localhost/{collection}` for a misconfigured Server.
    pub fn public_base(&self) -> String {
        public_base(self.base, self.org())
    }

    /// Lower-cased segments from `at` on, for matching.
    pub fn tail(&self, at: usize) -> Vec<String> {
        self.rest.iter().skip(at).map(|s| s.to_ascii_lowercase()).collect()
    }

    pub fn user(&self) -> User {
        self.principal.user.clone()
    }
}

pub fn public_base(base: &str, org: &Org) -> String {
    match &org.server {
        Some(opts) if opts.localhost_urls => {
            format!("http://localhost/{}", crate::http::enc(&org.name))
        }
        _ => format!("{base}/{}", crate::http::enc(&org.name)),
    }
}

pub async fn entry(
    State(shared): State<Arc<Shared>>,
    Extension(kill): Extension<Arc<Notify>>,
    request: Request,
) -> Response {
    let mut resp = answer(shared.clone(), kill, request).await;
    stamp_activity_id(&shared, &mut resp);
    resp
}

/// Every answer carries `X-VSS-ActivityId` (the same value as `ActivityId` when that is set), as
/// real Azure DevOps does; the ids sent are kept for [`crate::FakeAzure::activity_ids`].
fn stamp_activity_id(shared: &Shared, resp: &mut Response) {
    let id = resp
        .headers()
        .get("activityid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    set(resp, "X-VSS-ActivityId", &id);
    shared.lock().activity_ids.push(id);
}

async fn answer(shared: Arc<Shared>, kill: Arc<Notify>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = body::to_bytes(body, 32 * 1024 * 1024).await.unwrap_or_default();
    let mut req = Req::new(parts.method, parts.uri.path(), parts.uri.query(), parts.headers, bytes.to_vec());
    req.issuer_jwks = crate::entra_federation::prefetch(&shared, &req).await;
    record(&shared, &req);

    let first = req.segs.first().map(|s| s.to_ascii_lowercase()).unwrap_or_default();
    let _in_flight = crate::in_flight::InFlight::enter(&shared, &first);
    let is_entra = entra::is_entra_path(&req);
    let behaviour = next_behaviour(&shared, &first);
    let delayed_by = match &behaviour {
        Some(Behaviour::Delayed { retry_after_secs }) => Some(*retry_after_secs),
        _ => None,
    };
    match behaviour {
        Some(Behaviour::RateLimited { retry_after_secs }) => {
            return throttled(retry_after_secs, is_entra);
        }
        Some(Behaviour::Slow(d)) => tokio::time::sleep(d).await,
        Some(Behaviour::ServerError) => {
            return if is_entra { entra_token::unavailable(&shared.base) } else { errors::unavailable() };
        }
        Some(Behaviour::ResetConnection) => {
            // The connection task drops the socket when notified; this answer never comes.
            kill.notify_one();
            std::future::pending::<()>().await;
        }
        Some(Behaviour::HtmlInsteadOfJson) => {
            return ([("content-type", "text/html; charset=utf-8")], "<html><body><h1>Bad gateway</h1></body></html>")
                .into_response();
        }
        Some(Behaviour::InvalidJson) => {
            return ([("content-type", "application/json; charset=utf-8")], "{\"count\": 3, \"value\": [")
                .into_response();
        }
        Some(Behaviour::Oversized(n)) => {
            let mut body = String::with_capacity(n + 16);
            body.push_str("{\"value\": \"");
            body.extend(std::iter::repeat_n('a', n));
            body.push_str("\"}");
            return ([("content-type", "application/json; charset=utf-8")], body).into_response();
        }
        Some(Behaviour::Redirect(to)) => {
            return (StatusCode::FOUND, [("location", to.as_str())], "").into_response();
        }
        Some(Behaviour::Normal | Behaviour::Sequence(_) | Behaviour::Delayed { .. }) | None => {}
    }

    if is_entra {
        return entra::handle(&shared, &req);
    }
    if crate::cluster_oidc::is_cluster_path(&req) {
        return crate::cluster_oidc::handle(&shared.base, &req);
    }
    if crate::imds::is_imds_path(&req) {
        return crate::imds::handle(&shared, &req);
    }
    let (mut resp, user, version) = dispatch(&shared, &req);
    decorate(&mut resp, &req, user.as_ref(), version.as_deref());
    if let Some(retry_after) = delayed_by {
        delayed(&mut resp, retry_after);
    }
    let etags = shared.lock().etags;
    if etags { crate::etag::conditional(resp, &req).await } else { resp }
}

/// The behaviour for this request; a `Sequence` hands out its next step.
fn next_behaviour(shared: &Shared, first: &str) -> Option<Behaviour> {
    let mut world = shared.lock();
    match world.behaviours.get_mut(first) {
        Some(Behaviour::Sequence(steps)) => (!steps.is_empty()).then(|| steps.remove(0)),
        other => other.cloned(),
    }
}

fn record(shared: &Shared, req: &Req) {
    let recorded = RecordedRequest {
        method: req.method.to_string(),
        path: req.path.clone(),
        query: req.query.clone(),
        headers: req
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: req.body.clone(),
    };
    shared.lock().requests.push(recorded);
}

fn throttled(retry_after: u64, entra: bool) -> Response {
    let mut r = if entra { entra_token::throttled() } else { errors::throttled() };
    let reset = chrono::Utc::now().timestamp() + retry_after as i64;
    set(&mut r, "Retry-After", &retry_after.to_string());
    set(&mut r, "X-RateLimit-Resource", "Core");
    set(&mut r, "X-RateLimit-Limit", "200");
    set(&mut r, "X-RateLimit-Remaining", "0");
    set(&mut r, "X-RateLimit-Reset", &reset.to_string());
    r
}

/// The headers of an answer Azure DevOps delayed (it still served it).
fn delayed(r: &mut Response, retry_after: u64) {
    let reset = chrono::Utc::now().timestamp() + retry_after as i64;
    set(r, "Retry-After", &retry_after.to_string());
    set(r, "X-RateLimit-Resource", "Core");
    set(r, "X-RateLimit-Delay", "0.250");
    set(r, "X-RateLimit-Limit", "200");
    set(r, "X-RateLimit-Remaining", "0");
    set(r, "X-RateLimit-Reset", &reset.to_string());
}

/// Answers an Azure DevOps request; also returns the authenticated user and the api-version served.
fn dispatch(shared: &Shared, req: &Req) -> (Response, Option<User>, Option<String>) {
    let mut world = shared.lock();
    let lsegs: Vec<String> = req.segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    if lsegs.first().map(String::as_str) == Some("_apis") {
        return profile::route(&world, req, &lsegs);
    }
    let Some(org_key) = lsegs.first().cloned() else {
        return (errors::route_not_found(&req.path), None, None);
    };
    let Some(org) = world.orgs.get(&org_key) else {
        return (errors::org_not_found(&req.segs[0]), None, None);
    };
    let bare_org = lsegs.len() == 1 && matches!(req.method, axum::http::Method::GET | axum::http::Method::HEAD);
    if bare_org && req.header("authorization").is_none() {
        return (auth::anonymous_org(req, org, &shared.base), None, None);
    }
    let principal = match auth::authenticate(&world, org, req, &shared.base) {
        Ok(p) => p,
        Err(r) => return (*r, None, None),
    };
    let user = principal.user.clone();
    let version = match check_version(req, org) {
        Ok(v) => v,
        Err(r) => return (*r, Some(user), None),
    };
    let mut ctx = Ctx { req, world: &mut world, org_key, base: &shared.base, principal, rest: req.segs[1..].to_vec() };
    (route(&mut ctx), Some(user), Some(version))
}

fn route(ctx: &mut Ctx) -> Response {
    let tail = ctx.tail(0);
    let t: Vec<&str> = tail.iter().map(String::as_str).collect();
    match t.as_slice() {
        ["_apis", "connectiondata"] => core::connection_data(ctx),
        ["_apis", "projects"] => core::projects(ctx),
        ["_apis", "projects", _] => core::project(ctx),
        ["_apis", "git", ..] => git::route(ctx, None, 2),
        ["_apis", "hooks", "subscriptions", ..] => hooks::route(ctx),
        ["_apis", "identities"] => identities::read(ctx),
        ["_apis", "security", "permissionevaluationbatch"] => security::evaluate(ctx),
        ["_apis", "wit", "workitems", _, "comments", ..] => wit::route(ctx, None),
        ["_apis", "wit", "workitems", _] => wit::work_item(ctx, 3),
        [project, "_apis", area, ..] if *area == "git" || *area == "wit" => {
            let Some(p) = ctx.org().project(project).map(|p| p.id.clone()) else {
                return errors::project_not_found(&ctx.rest[0]);
            };
            match t.as_slice() {
                [_, _, "git", ..] => git::route(ctx, Some(p), 3),
                [_, _, "wit", "workitems", _, "comments", ..] => wit::route(ctx, Some(p)),
                [_, _, "wit", "workitems", _] if ctx.req.method == axum::http::Method::PATCH => {
                    wit::patch_work_item(ctx)
                }
                [_, _, "wit", "workitems", _] => wit::work_item(ctx, 4),
                _ => errors::route_not_found(&ctx.req.path),
            }
        }
        _ => errors::route_not_found(&ctx.req.path),
    }
}

fn check_version(req: &Req, org: &Org) -> Result<String, Box<Response>> {
    crate::versions::check(req, org)
}

/// Headers every Azure DevOps answer carries.
fn decorate(r: &mut Response, req: &Req, user: Option<&User>, version: Option<&str>) {
    let session = req.header("x-tfs-session").map(str::to_string).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let is_plain_json =
        r.headers().get("content-type").is_some_and(|v| v.as_bytes() == b"application/json; charset=utf-8");
    if is_plain_json {
        let v = version.map(str::to_string).unwrap_or_else(|| "7.1".into());
        set(r, "Content-Type", &format!("application/json; charset=utf-8; api-version={v}"));
    }
    set(r, "ActivityId", &uuid::Uuid::new_v4().to_string());
    set(r, "X-TFS-Session", &session);
    set(r, "X-VSS-E2EID", &session);
    set(r, "X-TFS-ProcessId", "6f1a6c0b-3d2e-4f5a-9b8c-7d6e5f4a3b2c");
    set(r, "X-VSS-SenderDeploymentId", "4d2e6f80-1a3b-7c5d-9e0f-2b4d6f8a0c1e");
    set(r, "X-Frame-Options", "SAMEORIGIN");
    set(r, "X-Content-Type-Options", "nosniff");
    set(r, "Access-Control-Expose-Headers", "ActivityId,X-TFS-Session,X-MS-ContinuationToken");
    set(r, "X-Cache", "CONFIG_NOCACHE");
    if let Some(u) = user.filter(|_| r.status() != StatusCode::UNAUTHORIZED) {
        set(r, "X-VSS-UserData", &format!("{}:{}", u.id, u.unique_name));
    }
}
