//! Work item comments at each release's stage (`7.1-preview.4`, `7.0-preview.3`, `6.0-preview.3`):
//! list with `$top`/continuationToken/order, get one, add one; Server 2019's revision comments
//! (`5.0-preview.2`, read only) and the `System.History` patch that adds to them.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use serde_json::{Value, json};

use crate::errors;
use crate::http::{enc_query, iso, json};
use crate::identity::idref;
use crate::router::Ctx;
use crate::state::{WorkItem, WorkItemComment};
use crate::versions;

const PAGE: usize = 200;

pub fn route(ctx: &mut Ctx, project: Option<String>) -> Response {
    let at = if project.is_some() { 4 } else { 3 };
    if let Some(refused) = versions::require_preview(ctx.req) {
        return refused;
    }
    // Checked by the router; absent only on a GET, which is served the latest.
    let asked = ctx.req.api_version().and_then(|v| versions::parse(&v));
    let latest = versions::released_max(ctx.org());
    let stage_max = versions::comments_stage(asked.map_or(latest, |v| v.number()));
    if let Some(v) = asked.filter(|v| v.stage.is_some_and(|s| s > stage_max)) {
        // Which error a too-new resource stage earns is not documented: out of range, naming the stage served.
        let served = format!("{}.{}-preview.{stage_max}", v.major, v.minor);
        return errors::version_out_of_range(&ctx.req.api_version().unwrap_or_default(), &served);
    }
    let with_format = asked.as_ref().is_none_or(versions::comments_have_format) && stage_max >= 4;
    let revisions = stage_max <= 2;
    let scope = if ctx.req.is_read() { "vso.work" } else { "vso.work_write" };
    // A missing scope is the bare 401 (docs/azure-devops-wire.md §2.3), not an area permission.
    if let Some(refused) = crate::auth::require_scope(ctx, &[scope]) {
        return refused;
    }
    // Work item ids are organization-wide: the project in the URL (already checked to exist)
    // does not restrict which item answers, as the real service's own samples show (see `work_item`).
    let raw_id = ctx.rest[at].clone();
    let found = raw_id.parse::<u32>().ok().filter(|id| ctx.org().work_items.contains_key(id));
    let Some(id) = found else {
        return errors::work_item_not_found(&raw_id);
    };
    let comment = ctx.rest.get(at + 2).cloned();
    match (comment, ctx.req.method.clone()) {
        (None, Method::GET) if revisions => list_revisions(ctx, id),
        // The 5.0 revision comments resource has no POST (its route is GET only: a guess).
        (_, _) if revisions => errors::method_not_allowed(),
        (None, Method::GET) => list(ctx, id, with_format),
        (None, Method::POST) => add(ctx, id, with_format),
        (Some(cid), Method::GET) => {
            let pb = ctx.public_base();
            let wi = &ctx.org().work_items[&id];
            match wi.comments.iter().find(|c| c.id.to_string() == cid) {
                Some(c) => json(StatusCode::OK, &comment_json(wi, c, &pb, with_format)),
                None => errors::envelope(
                    StatusCode::NOT_FOUND,
                    &format!("VS402625: Comment with id {cid} does not exist on work item {id}."),
                    "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemCommentNotFoundException, Microsoft.TeamFoundation.WorkItemTracking.Server",
                    "WorkItemCommentNotFoundException",
                ),
            }
        }
        _ => errors::method_not_allowed(),
    }
}

fn comments_url(wi: &WorkItem, pb: &str) -> String {
    format!("{pb}/{}/_apis/wit/workItems/{}/comments", wi.project_id, wi.id)
}

/// A comment; `format` exists only from `7.1-preview.4`.
fn comment_json(wi: &WorkItem, c: &WorkItemComment, pb: &str, with_format: bool) -> Value {
    let mut v = json!({
        "workItemId": wi.id,
        "id": c.id,
        "version": 1,
        "text": c.text,
        "createdBy": idref(&c.author, pb),
        "createdDate": iso(c.date),
        "modifiedBy": idref(&c.author, pb),
        "modifiedDate": iso(c.date),
        "isDeleted": false,
        "format": c.format,
        "url": format!("{}/{}", comments_url(wi, pb), c.id),
    });
    if !with_format && let Some(o) = v.as_object_mut() {
        o.remove("format");
    }
    v
}

fn list(ctx: &mut Ctx, id: u32, with_format: bool) -> Response {
    let pb = ctx.public_base();
    let wi = &ctx.org().work_items[&id];
    let mut ordered: Vec<&WorkItemComment> = wi.comments.iter().collect();
    if !ctx.req.q("order").is_some_and(|o| o.eq_ignore_ascii_case("asc")) {
        ordered.reverse();
    }
    let start = match ctx.req.q("continuationToken") {
        Some(t) => match STANDARD
            .decode(t)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.strip_prefix("offset:").and_then(|n| n.parse::<usize>().ok()))
        {
            Some(n) => n,
            None => return errors::bad_request("The continuation token is not valid."),
        },
        None => 0,
    };
    let top = ctx.req.q_num("$top").unwrap_or(PAGE).clamp(1, PAGE);
    let page: Vec<Value> =
        ordered.iter().skip(start).take(top).map(|c| comment_json(wi, c, &pb, with_format)).collect();
    let url = comments_url(wi, &pb);
    let mut body = json!({"totalCount": wi.comments.len(), "count": page.len(), "comments": page, "url": url});
    let next = start + top;
    if next < ordered.len() {
        let token = STANDARD.encode(format!("offset:{next}"));
        let version = ctx.req.api_version().unwrap_or_else(|| "7.1-preview.4".into());
        body["continuationToken"] = json!(token);
        body["nextPage"] = json!(format!("{url}?continuationToken={}&api-version={version}", enc_query(&token)));
    }
    json(StatusCode::OK, &body)
}

fn add(ctx: &mut Ctx, id: u32, with_format: bool) -> Response {
    let Some(text) = ctx.req.json_body().and_then(|b| b["text"].as_str().map(str::to_string)) else {
        return errors::bad_request("Value cannot be null.\r\nParameter name: request.Text");
    };
    // Before 7.1-preview.4 there is no `format`: the parameter is ignored and the text is HTML.
    let format = match ctx.req.q("format").filter(|_| with_format) {
        Some(f) => f.to_ascii_lowercase(),
        None => "html".into(),
    };
    let user = ctx.user();
    let pb = ctx.public_base();
    let org = ctx.org_mut();
    let cid = org.next_wi_comment_id;
    org.next_wi_comment_id += 1;
    let Some(wi) = org.work_items.get_mut(&id) else {
        return errors::work_item_not_found(&id.to_string());
    };
    let c = WorkItemComment { id: cid, text, author: user, date: Utc::now(), format };
    wi.comments.push(c.clone());
    json(StatusCode::OK, &comment_json(wi, &c, &pb, with_format))
}

/// Server 2019 (`5.0-preview.2`): `{totalCount, fromRevisionCount, count, comments}` with
/// `revision`/`revisedBy`/`revisedDate`, paged by `fromRevision` (python `v5_0` `get_comments`).
fn list_revisions(ctx: &mut Ctx, id: u32) -> Response {
    let pb = ctx.public_base();
    let wi = &ctx.org().work_items[&id];
    let from = ctx.req.q_num("fromRevision").unwrap_or(1) as u32;
    let top = ctx.req.q_num("$top").unwrap_or(PAGE).clamp(1, PAGE);
    let mut ordered: Vec<&WorkItemComment> = wi.comments.iter().filter(|c| c.id >= from).collect();
    if ctx.req.q("order").is_some_and(|o| o.eq_ignore_ascii_case("desc")) {
        ordered.reverse();
    }
    let page: Vec<Value> = ordered
        .iter()
        .take(top)
        .map(|c| {
            json!({
                "revision": c.id,
                "text": c.text,
                "revisedBy": idref(&c.author, &pb),
                "revisedDate": iso(c.date),
                "url": format!("{}/{}", comments_url(wi, &pb), c.id),
            })
        })
        .collect();
    let body = json!({
        "totalCount": wi.comments.len(),
        "fromRevisionCount": ordered.len(),
        "count": page.len(),
        "comments": page,
    });
    json(StatusCode::OK, &body)
}

/// `PATCH {project}/_apis/wit/workitems/{id}`: only `add /fields/System.History` is applied (it
/// becomes a discussion comment, HTML); the body must be `application/json-patch+json`.
pub fn patch_work_item(ctx: &mut Ctx) -> Response {
    if ctx.req.method != Method::PATCH {
        return errors::method_not_allowed();
    }
    if let Some(refused) = crate::auth::require_scope(ctx, &["vso.work_write"]) {
        return refused;
    }
    let content_type = ctx.req.header("content-type").unwrap_or("").to_ascii_lowercase();
    if !content_type.starts_with("application/json-patch+json") {
        return errors::unsupported_media_type(&content_type, "PATCH", "application/json-patch+json");
    }
    let raw_id = ctx.rest[4].clone();
    let found = raw_id.parse::<u32>().ok().filter(|id| ctx.org().work_items.contains_key(id));
    let Some(id) = found else {
        return errors::work_item_not_found(&raw_id);
    };
    let ops = ctx.req.json_body().and_then(|b| b.as_array().cloned());
    let Some(ops) = ops else {
        return errors::bad_request("You must pass a valid patch document in the body of the request.");
    };
    let history = ops.iter().find_map(|op| {
        let path = op["path"].as_str()?;
        (op["op"].as_str()? == "add" && path.eq_ignore_ascii_case("/fields/System.History"))
            .then(|| op["value"].as_str().map(str::to_owned))
            .flatten()
    });
    let user = ctx.user();
    let pb = ctx.public_base();
    let org = ctx.org_mut();
    let rev = org.next_wi_comment_id;
    org.next_wi_comment_id += 1;
    let Some(wi) = org.work_items.get_mut(&id) else {
        return errors::work_item_not_found(&raw_id);
    };
    let now = Utc::now();
    if let Some(text) = &history {
        wi.comments.push(WorkItemComment {
            id: rev,
            text: text.clone(),
            author: user.clone(),
            date: now,
            format: "html".into(),
        });
    }
    let body = json!({
        "id": wi.id,
        "rev": rev,
        "fields": {
            "System.History": history,
            "System.ChangedBy": idref(&user, &pb),
            "System.ChangedDate": iso(now),
        },
        "url": format!("{pb}/{}/_apis/wit/workItems/{}", wi.project_id, wi.id),
    });
    json(StatusCode::OK, &body)
}

/// Fields `GET …/workitems/{id}` can answer with here; any other name in `fields` is refused as
/// the real service refuses a field it does not know.
const FIELDS: [&str; 4] = ["System.Id", "System.TeamProject", "System.AreaPath", "System.WorkItemType"];

/// `GET [{project}/]_apis/wit/workitems/{id}[?fields=…]` at a released version: the item of that id
/// in the organization, whatever project the URL names. Microsoft's "Get work item" sample asks
/// under `Fabrikam-Fiber-Git` and is answered with an item whose `System.TeamProject` is
/// `MyAgilePrj2` (learn.microsoft.com/rest/api/azure/devops/wit/work-items/get-work-item, 7.1).
pub fn work_item(ctx: &mut Ctx, at: usize) -> Response {
    if ctx.req.method != Method::GET {
        return errors::method_not_allowed();
    }
    if let Some(refused) = crate::auth::require_scope(ctx, &["vso.work"]) {
        return refused;
    }
    let raw_id = ctx.rest[at].clone();
    let Some(wi) = raw_id.parse::<u32>().ok().and_then(|id| ctx.org().work_items.get(&id)) else {
        return errors::work_item_not_found(&raw_id);
    };
    let project = ctx.org().project_by_id(&wi.project_id).map(|p| p.name.clone()).unwrap_or_default();
    let all = [
        ("System.Id", json!(wi.id)),
        ("System.TeamProject", json!(project)),
        ("System.AreaPath", json!(project)),
        ("System.WorkItemType", json!("Bug")),
    ];
    let wanted: Option<Vec<String>> = ctx.req.q("fields").map(|f| f.split(',').map(|n| n.trim().to_owned()).collect());
    if let Some(unknown) = wanted.iter().flatten().find(|n| !FIELDS.iter().any(|f| f.eq_ignore_ascii_case(n))) {
        return errors::bad_request(&format!("TF51535: Cannot find field {unknown}."));
    }
    let fields: serde_json::Map<String, Value> = all
        .into_iter()
        .filter(|(name, _)| wanted.as_ref().is_none_or(|w| w.iter().any(|n| n.eq_ignore_ascii_case(name))))
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    let pb = ctx.public_base();
    let body = json!({
        "id": wi.id,
        "rev": wi.comments.len() + 1,
        "fields": fields,
        "url": format!("{pb}/_apis/wit/workItems/{}", wi.id),
    });
    json(StatusCode::OK, &body)
}
