//! PR comment threads: list, get, create (numeric or named enums in, names out), and replies.

use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use serde_json::{Value, json};

use crate::errors;
use crate::git::require;
use crate::git_json::{comment_json, thread_json};
use crate::http::json;
use crate::model::User;
use crate::router::Ctx;
use crate::state::{Comment, Thread};

const THREAD_STATUS: [&str; 7] = ["unknown", "active", "fixed", "wontFix", "closed", "byDesign", "pending"];
const COMMENT_TYPE: [&str; 4] = ["unknown", "text", "codeChange", "system"];

/// Requests may send numeric enums; answers use names.
fn enum_name(v: &Value, names: &[&str], default: &str) -> String {
    match v {
        Value::Number(n) => n.as_u64().and_then(|i| names.get(i as usize)).unwrap_or(&default).to_string(),
        Value::String(s) => {
            names.iter().find(|n| n.eq_ignore_ascii_case(s)).map(|n| n.to_string()).unwrap_or_else(|| s.clone())
        }
        _ => default.to_string(),
    }
}

pub fn threads(ctx: &mut Ctx, (ri, pi): (usize, usize)) -> Response {
    let pb = ctx.public_base();
    let org = ctx.org();
    let r = &org.repos[ri];
    let pr = &r.prs[pi];
    let value: Vec<Value> = pr.threads.iter().map(|t| thread_json(org, r, pr.id, t, &pb)).collect();
    json(StatusCode::OK, &json!({"value": value, "count": value.len()}))
}

pub fn thread(ctx: &mut Ctx, (ri, pi): (usize, usize), ti: usize) -> Response {
    let pb = ctx.public_base();
    let org = ctx.org();
    let r = &org.repos[ri];
    let pr = &r.prs[pi];
    json(StatusCode::OK, &thread_json(org, r, pr.id, &pr.threads[ti], &pb))
}

pub fn comments(ctx: &mut Ctx, (ri, pi): (usize, usize), ti: usize) -> Response {
    let pb = ctx.public_base();
    let org = ctx.org();
    let r = &org.repos[ri];
    let pr = &r.prs[pi];
    let t = &pr.threads[ti];
    let value: Vec<Value> = t.comments.iter().map(|c| comment_json(org, r, pr.id, t.id, c, &pb)).collect();
    json(StatusCode::OK, &json!({"value": value, "count": value.len()}))
}

fn new_comment(v: &Value, id: u32, author: &User) -> Comment {
    Comment {
        id,
        parent: v["parentCommentId"].as_u64().unwrap_or(0) as u32,
        author: Some(author.clone()),
        content: v["content"].as_str().unwrap_or_default().into(),
        comment_type: enum_name(&v["commentType"], &COMMENT_TYPE, "text"),
        published: Utc::now(),
    }
}

pub fn create_thread(ctx: &mut Ctx, (ri, pi): (usize, usize)) -> Response {
    if let Some(denied) = require(ctx, "vso.code_write", "PullRequestContribute") {
        return denied;
    }
    let Some(body) = ctx.req.json_body() else {
        return errors::bad_request("Value cannot be null.\r\nParameter name: commentThread");
    };
    let user = ctx.user();
    let org = ctx.org_mut();
    let id = org.next_thread_id;
    org.next_thread_id += 1;
    let now = Utc::now();
    let comments = body["comments"].as_array().cloned().unwrap_or_default();
    let new_thread = Thread {
        id,
        status: enum_name(&body["status"], &THREAD_STATUS, "active"),
        context: body["threadContext"].clone(),
        properties: if body["properties"].is_object() { body["properties"].clone() } else { json!({}) },
        published: now,
        updated: now,
        comments: comments.iter().enumerate().map(|(i, c)| new_comment(c, i as u32 + 1, &user)).collect(),
    };
    org.repos[ri].prs[pi].threads.push(new_thread);
    let ti = org.repos[ri].prs[pi].threads.len() - 1;
    thread(ctx, (ri, pi), ti)
}

pub fn reply(ctx: &mut Ctx, (ri, pi): (usize, usize), ti: usize) -> Response {
    if let Some(denied) = require(ctx, "vso.code_write", "PullRequestContribute") {
        return denied;
    }
    let Some(body) = ctx.req.json_body() else {
        return errors::bad_request("Value cannot be null.\r\nParameter name: comment");
    };
    let user = ctx.user();
    let pb = ctx.public_base();
    let t = &mut ctx.org_mut().repos[ri].prs[pi].threads[ti];
    let id = t.comments.iter().map(|c| c.id).max().unwrap_or(0) + 1;
    t.comments.push(new_comment(&body, id, &user));
    t.updated = Utc::now();
    let org = ctx.org();
    let r = &org.repos[ri];
    let pr = &r.prs[pi];
    let t = &pr.threads[ti];
    json(StatusCode::OK, &comment_json(org, r, pr.id, t.id, &t.comments[t.comments.len() - 1], &pb))
}
