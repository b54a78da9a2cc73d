//! Work item comments (`7.1-preview.4`): list with `$top`/continuationToken/order, get one, add one.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use serde_json::{Value, json};

use crate::errors;
use crate::http::{enc_query, iso, json};
use crate::identity::idref;
use crate::router::{Ctx, parse_version};
use crate::state::{WorkItem, WorkItemComment};

const PAGE: usize = 200;

pub fn route(ctx: &mut Ctx, project: Option<String>) -> Response {
    let at = if project.is_some() { 4 } else { 3 };
    if let Some(v) = ctx.req.api_version()
        && parse_version(&v).is_some_and(|(_, _, preview)| !preview)
    {
        return errors::preview_required(&v);
    }
    let (scope, action) = if ctx.req.is_read() {
        ("vso.work", "View work items in this node")
    } else {
        ("vso.work_write", "Edit work items in this node")
    };
    if !ctx.principal.has_any(&[scope]) {
        return errors::access_denied(&ctx.principal.user.display_name, "Area", action);
    }
    let raw_id = ctx.rest[at].clone();
    let found = raw_id.parse::<u32>().ok().filter(|id| {
        ctx.org().work_items.get(id).is_some_and(|w| project.as_deref().is_none_or(|p| w.project_id == p))
    });
    let Some(id) = found else {
        return errors::work_item_not_found(&raw_id);
    };
    let comment = ctx.rest.get(at + 2).cloned();
    match (comment, ctx.req.method.clone()) {
        (None, Method::GET) => list(ctx, id),
        (None, Method::POST) => add(ctx, id),
        (Some(cid), Method::GET) => {
            let pb = ctx.public_base();
            let wi = &ctx.org().work_items[&id];
            match wi.comments.iter().find(|c| c.id.to_string() == cid) {
                Some(c) => json(StatusCode::OK, &comment_json(wi, c, &pb)),
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

fn comment_json(wi: &WorkItem, c: &WorkItemComment, pb: &str) -> Value {
    json!({
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
    })
}

fn list(ctx: &mut Ctx, id: u32) -> Response {
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
    let page: Vec<Value> = ordered.iter().skip(start).take(top).map(|c| comment_json(wi, c, &pb)).collect();
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

fn add(ctx: &mut Ctx, id: u32) -> Response {
    let Some(text) = ctx.req.json_body().and_then(|b| b["text"].as_str().map(str::to_string)) else {
        return errors::bad_request("Value cannot be null.\r\nParameter name: request.Text");
    };
    let format = ctx.req.q("format").unwrap_or("html").to_ascii_lowercase();
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
    json(StatusCode::OK, &comment_json(wi, &c, &pb))
}
