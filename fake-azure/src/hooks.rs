//! Service hook subscriptions: list (with filters), create (confidential inputs echoed as `********`), get, replace, delete.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::errors;
use crate::http::{empty, json, now_iso};
use crate::identity::idref;
use crate::model::{HOOKS_EDIT_SUBSCRIPTIONS, SERVICE_HOOKS_NAMESPACE};
use crate::router::Ctx;
use crate::state::HookSubscription;

const CONFIDENTIAL: &[&str] = &["basicAuthPassword", "password", "authToken", "apiToken"];

/// Scopes per event type, as `ServiceHooksPublisherControllerBase.CheckScope` matches them
/// (docs/azure-devops-wire.md §3.10): code events `vso.code*`, work items `vso.work*`, builds
/// `vso.build*`, and `vso.hooks` (reads) / `vso.hooks_write` (writes) for every event.
fn event_scopes(event_type: &str, write: bool) -> [&'static str; 2] {
    let hooks = if write { "vso.hooks_write" } else { "vso.hooks" };
    let e = event_type.to_ascii_lowercase();
    let family = if e.starts_with("git.") || e.starts_with("ms.vss-code.") || e.starts_with("tfvc.") {
        "vso.code"
    } else if e.starts_with("workitem.") {
        "vso.work"
    } else if e.starts_with("build.") || e.starts_with("ms.vss-pipelines.") {
        "vso.build"
    } else {
        hooks
    };
    [family, hooks]
}

fn may(ctx: &Ctx, event_type: &str, write: bool) -> bool {
    ctx.principal.has_any(&event_scopes(event_type, write))
}

/// What the decompiled `CheckScope` answers a read whose scopes do not cover the event (the
/// envelope's type is a guess).
fn read_refused() -> Response {
    errors::envelope(
        StatusCode::NOT_FOUND,
        "Not found",
        "Microsoft.VisualStudio.Services.WebApi.VssServiceException, Microsoft.VisualStudio.Services.WebApi",
        "VssServiceException",
    )
}

/// ... and a create or update (the envelope's type is a guess).
fn write_refused() -> Response {
    errors::envelope(
        StatusCode::FORBIDDEN,
        "No scope found",
        "Microsoft.VisualStudio.Services.WebApi.VssServiceException, Microsoft.VisualStudio.Services.WebApi",
        "VssServiceException",
    )
}

/// Scopes per event type, then the identity's EditSubscriptions on `PublisherSecurity/{projectId}`
/// (`PublisherSecurity` for an organization-wide subscription) for writes (§3.15; the text of
/// that 403 is a guess).
fn require(ctx: &Ctx) -> Option<Response> {
    let stored = ctx.rest.get(3).and_then(|id| find(ctx, id)).map(|i| ctx.org().hooks[i].body.clone());
    let method = ctx.req.method.clone();
    let subject = match method {
        Method::GET => {
            let readable = match &stored {
                Some(sub) => may(ctx, sub["eventType"].as_str().unwrap_or_default(), false),
                None => ["git.push", "workitem.commented", "build.complete", ""].iter().any(|e| may(ctx, e, false)),
            };
            return (!readable).then(read_refused);
        }
        Method::POST | Method::PUT => ctx.req.json_body().filter(Value::is_object)?,
        Method::DELETE => stored?,
        _ => return None,
    };
    let event = subject["eventType"].as_str().filter(|e| !e.is_empty())?;
    if !may(ctx, event, true) {
        return Some(write_refused());
    }
    let token = match subject["publisherInputs"]["projectId"].as_str().and_then(|p| ctx.org().project(p)) {
        Some(p) => format!("PublisherSecurity/{}", p.id),
        None => "PublisherSecurity".to_owned(),
    };
    let user = &ctx.principal.user;
    if crate::security::allowed(ctx.org(), &user.id, SERVICE_HOOKS_NAMESPACE, &token, HOOKS_EDIT_SUBSCRIPTIONS) {
        return None;
    }
    Some(errors::access_denied(&user.display_name, &token, "Edit subscriptions"))
}

pub fn route(ctx: &mut Ctx) -> Response {
    if let Some(denied) = require(ctx) {
        return denied;
    }
    let tail = ctx.tail(0);
    let id = ctx.rest.get(3).cloned();
    match (tail.len(), ctx.req.method.clone(), id) {
        (3, Method::GET, _) => list(ctx),
        (3, Method::POST, _) => save(ctx, None),
        (4, Method::GET, Some(id)) => match find(ctx, &id) {
            Some(i) => json(StatusCode::OK, &answer(ctx, i)),
            None => errors::subscription_not_found(&id),
        },
        (4, Method::PUT, Some(id)) => match find(ctx, &id) {
            Some(i) => save(ctx, Some(i)),
            None => errors::subscription_not_found(&id),
        },
        (4, Method::DELETE, Some(id)) => match find(ctx, &id) {
            Some(i) => {
                ctx.org_mut().hooks.remove(i);
                empty(StatusCode::NO_CONTENT)
            }
            None => errors::subscription_not_found(&id),
        },
        (3, _, _) | (4, _, _) => errors::method_not_allowed(),
        _ => errors::route_not_found(&ctx.req.path),
    }
}

fn find(ctx: &Ctx, id: &str) -> Option<usize> {
    ctx.org().hooks.iter().position(|h| h.id.eq_ignore_ascii_case(id))
}

/// The stored subscription with confidential inputs masked.
fn answer(ctx: &Ctx, i: usize) -> Value {
    let mut v = ctx.org().hooks[i].body.clone();
    if let Some(inputs) = v["consumerInputs"].as_object_mut() {
        for key in CONFIDENTIAL {
            if let Some(x) = inputs.get_mut(*key) {
                *x = json!("********");
            }
        }
    }
    v
}

fn list(ctx: &mut Ctx) -> Response {
    let filters: Vec<(&str, String)> = ["publisherId", "eventType", "consumerId", "consumerActionId"]
        .into_iter()
        .filter_map(|k| ctx.req.q(k).map(|v| (k, v.to_string())))
        .collect();
    let value: Vec<Value> = (0..ctx.org().hooks.len())
        .filter(|&i| {
            let b = &ctx.org().hooks[i].body;
            filters.iter().all(|(k, v)| b[*k].as_str().is_some_and(|x| x.eq_ignore_ascii_case(v)))
        })
        // Only the subscriptions whose event type the token's scopes cover.
        .filter(|&i| may(ctx, ctx.org().hooks[i].body["eventType"].as_str().unwrap_or_default(), false))
        .map(|i| answer(ctx, i))
        .collect();
    json(StatusCode::OK, &json!({"count": value.len(), "value": value}))
}

fn save(ctx: &mut Ctx, existing: Option<usize>) -> Response {
    let Some(body) = ctx.req.json_body().filter(Value::is_object) else {
        return errors::bad_request("Value cannot be null.\r\nParameter name: subscription");
    };
    for k in ["publisherId", "eventType", "consumerId", "consumerActionId"] {
        if body[k].as_str().is_none_or(str::is_empty) {
            return errors::bad_request(&format!("Value cannot be null.\r\nParameter name: subscription.{k}"));
        }
    }
    let target = body["consumerInputs"]["url"].as_str().unwrap_or_default().to_string();
    if body["consumerId"] == "webHooks" {
        let Ok(parsed) = url::Url::parse(&target) else {
            return errors::bad_request(
                "VS800016: The value '' of the input 'url' is not valid: a valid absolute URL is required.",
            );
        };
        let basic_auth = body["consumerInputs"]["basicAuthUsername"].as_str().is_some_and(|u| !u.is_empty())
            || body["consumerInputs"]["basicAuthPassword"].as_str().is_some_and(|p| !p.is_empty());
        if let Some(why) = crate::hook_target::refusal(&parsed, basic_auth) {
            return errors::bad_request(&why);
        }
    }
    let mut publisher: Map<String, Value> = body["publisherInputs"].as_object().cloned().unwrap_or_default();
    let project = publisher.get("projectId").and_then(Value::as_str).map(str::to_string);
    let project_name = match project.as_deref() {
        Some(p) => match ctx.org().project(p) {
            Some(found) => Some(found.name.clone()),
            None => return errors::project_not_found(p),
        },
        None => None,
    };
    let repo_name = publisher
        .get("repository")
        .and_then(Value::as_str)
        .and_then(|r| ctx.org().repo_index(None, r))
        .map(|i| ctx.org().repos[i].name.clone());
    publisher.insert("hostId".into(), json!(ctx.org().instance_id));
    publisher.entry("tfsSubscriptionId").or_insert_with(|| json!(uuid::Uuid::new_v4().to_string()));
    let id = match existing {
        Some(i) => ctx.org().hooks[i].id.clone(),
        None => uuid::Uuid::new_v4().to_string(),
    };
    let user = ctx.user();
    let pb = ctx.public_base();
    let created = existing.map(|i| ctx.org().hooks[i].body["createdDate"].clone()).unwrap_or_else(|| json!(now_iso()));
    // An update keeps the owner; it cannot revive a subscription the system disabled, or one whose
    // owner is inactive (it stays so; only a new subscription delivers: getsentry/sentry#10407).
    let before = existing.map(|i| ctx.org().hooks[i].body.clone());
    let asked = body.get("status").cloned().filter(Value::is_string).unwrap_or(json!("enabled"));
    let status = match before.as_ref().and_then(|b| b["status"].as_str()) {
        Some(s @ ("disabledBySystem" | "disabledByInactiveIdentity")) => json!(s),
        _ => asked,
    };
    let event_description = match (&repo_name, publisher.get("branch").and_then(Value::as_str)) {
        (Some(r), Some(b)) if !b.is_empty() => format!("Repository {r}, Branch {b}"),
        (Some(r), _) => format!("Repository {r}"),
        (None, _) => project_name.map(|p| format!("Project {p}")).unwrap_or_else(|| "Any".into()),
    };
    let host = url::Url::parse(&target).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let mut stored = body.clone();
    let me = json!({"displayName": user.display_name, "id": user.id, "uniqueName": user.unique_name});
    for (k, v) in [
        ("id", json!(id)),
        ("url", json!(format!("{pb}/_apis/hooks/subscriptions/{id}"))),
        ("status", status),
        ("publisherInputs", Value::Object(publisher)),
        ("eventDescription", json!(event_description)),
        ("actionDescription", json!(format!("To host {host}"))),
        ("createdBy", me.clone()),
        ("createdDate", created),
        ("modifiedBy", me),
        ("modifiedDate", json!(now_iso())),
        ("probationRetries", json!(0)),
        ("lastProbationRetryDate", json!("0001-01-01T00:00:00")),
        (
            "_links",
            json!({"self": {"href": format!("{pb}/_apis/hooks/subscriptions/{id}")}, "consumer": {"href": format!("{pb}/_apis/hooks/consumers/{}", body["consumerId"].as_str().unwrap_or_default())}}),
        ),
    ] {
        stored[k] = v;
    }
    stored["createdBy"]["imageUrl"] = idref(&user, &pb)["imageUrl"].clone();
    if let Some(owner) = before.as_ref().map(|b| b["createdBy"].clone()).filter(Value::is_object) {
        stored["createdBy"] = owner;
    }
    let sub = HookSubscription { id, body: stored };
    let i = match existing {
        Some(i) => {
            ctx.org_mut().hooks[i] = sub;
            i
        }
        None => {
            ctx.org_mut().hooks.push(sub);
            ctx.org().hooks.len() - 1
        }
    };
    json(StatusCode::OK, &answer(ctx, i))
}
