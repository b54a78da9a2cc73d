//! Pull requests: list (searchCriteria, `$top`/`$skip`), get, create (409 on duplicates), update; threads go to `threads`.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use chrono::Utc;
use serde_json::{Value, json};

use crate::errors;
use crate::git::{RepoAt, require};
use crate::git_json::pr_json;
use crate::http::json;
use crate::model::{User, hex40};
use crate::router::Ctx;
use crate::state::{Commit, GitRef, PrStatus, PullRequest};
use crate::threads;

pub fn route(ctx: &mut Ctx, repo: &RepoAt) -> Response {
    let tail = ctx.tail(repo.at);
    let t: Vec<&str> = tail.iter().map(String::as_str).collect();
    let m = ctx.req.method.clone();
    let pr_id = t.get(1).map(|s| s.to_string()).unwrap_or_default();
    match (t.as_slice(), m) {
        (["pullrequests"], Method::GET) => list(ctx, None, Some(repo.idx)),
        (["pullrequests"], Method::POST) => create(ctx, repo.idx),
        (["pullrequests", _, ..], _) => {
            let Some(pi) =
                pr_id.parse::<u32>().ok().and_then(|id| ctx.org().repos[repo.idx].prs.iter().position(|p| p.id == id))
            else {
                return errors::pr_not_found(&pr_id);
            };
            let at = (repo.idx, pi);
            match (&t[2..], ctx.req.method.clone()) {
                ([], Method::GET) => get(ctx, at),
                ([], Method::PATCH) => update(ctx, at),
                (["threads"], Method::GET) => threads::threads(ctx, at),
                (["threads"], Method::POST) => threads::create_thread(ctx, at),
                (["threads", tid, rest @ ..], m) => {
                    let tid = tid.to_string();
                    let pr = &ctx.org().repos[at.0].prs[at.1];
                    let Some(ti) = tid.parse::<u32>().ok().and_then(|id| pr.threads.iter().position(|x| x.id == id))
                    else {
                        return errors::thread_not_found(&tid);
                    };
                    match (rest, m) {
                        ([], Method::GET) => threads::thread(ctx, at, ti),
                        (["comments"], Method::GET) => threads::comments(ctx, at, ti),
                        (["comments"], Method::POST) => threads::reply(ctx, at, ti),
                        _ => errors::method_not_allowed(),
                    }
                }
                _ => errors::method_not_allowed(),
            }
        }
        _ => errors::method_not_allowed(),
    }
}

pub fn list(ctx: &mut Ctx, project: Option<&str>, repo: Option<usize>) -> Response {
    let q = |k: &str| ctx.req.q(&format!("searchCriteria.{k}")).map(str::to_string);
    let status = q("status").unwrap_or_else(|| "active".into()).to_ascii_lowercase();
    let links = q("includeLinks").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let pb = ctx.public_base();
    let org = ctx.org();
    let mut found: Vec<(usize, &PullRequest)> = Vec::new();
    for (ri, r) in org.repos.iter().enumerate() {
        if repo.is_some_and(|i| i != ri) || project.is_some_and(|p| r.project_id != p) {
            continue;
        }
        if q("repositoryId").is_some_and(|id| !id.eq_ignore_ascii_case(&r.id)) {
            continue;
        }
        for pr in &r.prs {
            let status_ok = match status.as_str() {
                "all" => true,
                "notset" | "active" => pr.status == PrStatus::Active,
                s => pr.status.as_str() == s,
            };
            let keep = status_ok
                && q("creatorId").is_none_or(|c| c.eq_ignore_ascii_case(&pr.created_by.id))
                && q("reviewerId").is_none_or(|c| pr.reviewers.iter().any(|(u, _)| u.id.eq_ignore_ascii_case(&c)))
                && q("sourceRefName").is_none_or(|s| s == pr.source)
                && q("targetRefName").is_none_or(|s| s == pr.target);
            if keep {
                found.push((ri, pr));
            }
        }
    }
    found.sort_by_key(|(_, pr)| std::cmp::Reverse(pr.id));
    let skip = ctx.req.q_num("$skip").unwrap_or(0);
    let top = ctx.req.q_num("$top").unwrap_or(usize::MAX);
    let value: Vec<Value> =
        found.iter().skip(skip).take(top).map(|(ri, pr)| pr_json(org, &org.repos[*ri], pr, &pb, links)).collect();
    json(StatusCode::OK, &json!({"value": value, "count": value.len()}))
}

/// `_apis/git/pullrequests/{id}` at project or organization level.
pub fn get_any(ctx: &mut Ctx, project: Option<&str>, id: &str) -> Response {
    let wanted = id.parse::<u32>().ok();
    let org = ctx.org();
    let at = org.repos.iter().enumerate().find_map(|(ri, r)| {
        if project.is_some_and(|p| r.project_id != p) {
            return None;
        }
        r.prs.iter().position(|p| Some(p.id) == wanted).map(|pi| (ri, pi))
    });
    match at {
        Some(at) => get(ctx, at),
        None => errors::pr_not_found(id),
    }
}

fn get(ctx: &mut Ctx, (ri, pi): (usize, usize)) -> Response {
    let pb = ctx.public_base();
    let org = ctx.org();
    let r = &org.repos[ri];
    json(StatusCode::OK, &pr_json(org, r, &r.prs[pi], &pb, true))
}

fn known_user(ctx: &Ctx, id: &str) -> User {
    let org = ctx.org();
    org.pats
        .values()
        .map(|p| p.user.clone())
        .chain([User::dana(), User::lee()])
        .find(|u| u.id.eq_ignore_ascii_case(id))
        .unwrap_or_else(|| User { id: id.into(), display_name: id.into(), unique_name: id.into() })
}

fn create(ctx: &mut Ctx, ri: usize) -> Response {
    if let Some(denied) = require(ctx, "vso.code_write", "PullRequestContribute") {
        return denied;
    }
    let Some(body) = ctx.req.json_body() else {
        return errors::bad_request("Value cannot be null.\r\nParameter name: gitPullRequestToCreate");
    };
    let source = body["sourceRefName"].as_str().unwrap_or_default().to_string();
    let target = body["targetRefName"].as_str().unwrap_or_default().to_string();
    let reviewers: Vec<(User, i32)> = body["reviewers"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["id"].as_str()).map(|id| (known_user(ctx, id), 0)).collect())
        .unwrap_or_default();
    let user = ctx.user();
    let org = ctx.org_mut();
    let id = org.next_pr_id;
    let r = &mut org.repos[ri];
    let (Some(s), Some(t)) = (r.refs.get(&source).cloned(), r.refs.get(&target).cloned()) else {
        return errors::pr_branch_missing();
    };
    if source == target {
        return errors::bad_request("TF401407: The source and target branch of a pull request cannot be the same.");
    }
    if r.prs.iter().any(|p| p.status == PrStatus::Active && p.source == source && p.target == target) {
        return errors::pr_exists();
    }
    r.prs.push(PullRequest {
        id,
        title: body["title"].as_str().unwrap_or_default().into(),
        description: body["description"].as_str().unwrap_or_default().into(),
        source,
        target,
        status: PrStatus::Active,
        is_draft: body["isDraft"].as_bool().unwrap_or(false),
        created_by: user,
        creation_date: Utc::now(),
        closed_date: None,
        reviewers,
        merge_id: uuid::Uuid::new_v4().to_string(),
        source_commit: s.object_id,
        target_commit: t.object_id,
        merge_commit: None,
        threads: Vec::new(),
    });
    org.next_pr_id += 1;
    let mut resp = get(ctx, (ri, ctx.org().repos[ri].prs.len() - 1));
    *resp.status_mut() = StatusCode::CREATED;
    resp
}

fn update(ctx: &mut Ctx, (ri, pi): (usize, usize)) -> Response {
    if let Some(denied) = require(ctx, "vso.code_write", "PullRequestContribute") {
        return denied;
    }
    let body = ctx.req.json_body().unwrap_or(Value::Null);
    let user = ctx.user();
    let r = &mut ctx.org_mut().repos[ri];
    let mut pr = r.prs[pi].clone();
    if let Some(t) = body["title"].as_str() {
        pr.title = t.into();
    }
    if let Some(d) = body["description"].as_str() {
        pr.description = d.into();
    }
    if let Some(d) = body["isDraft"].as_bool() {
        pr.is_draft = d;
    }
    match body["status"].as_str().map(str::to_ascii_lowercase).as_deref() {
        Some("completed") if pr.status == PrStatus::Active => {
            let parent = r.refs.get(&pr.target).map(|g| g.object_id.clone());
            let merge = hex40(&format!("merge:{}:{}", r.id, pr.id));
            let message = format!("Merged PR {}: {}", pr.id, pr.title);
            r.commits.push(Commit { id: merge.clone(), parent, message, author: user.clone(), date: Utc::now() });
            r.refs.insert(pr.target.clone(), GitRef { object_id: merge.clone(), creator: user });
            pr.merge_commit = Some(merge);
            pr.status = PrStatus::Completed;
            pr.closed_date = Some(Utc::now());
        }
        Some("abandoned") if pr.status == PrStatus::Active => {
            pr.status = PrStatus::Abandoned;
            pr.closed_date = Some(Utc::now());
        }
        Some("active") if pr.status == PrStatus::Abandoned => {
            pr.status = PrStatus::Active;
            pr.closed_date = None;
        }
        _ => {}
    }
    r.prs[pi] = pr;
    get(ctx, (ri, pi))
}
