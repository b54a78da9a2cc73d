//! Git area routes: repositories (list/get), refs (list with paging, create/update/delete), commits; PRs go to `pulls`.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use crate::errors;
use crate::git_json::{commit_json, ref_json, repo_json};
use crate::http::{json, set};
use crate::model::{
    GIT_CREATE_BRANCH, GIT_GENERIC_CONTRIBUTE, GIT_GENERIC_READ, GIT_NAMESPACE, GIT_PULL_REQUEST_CONTRIBUTE,
};
use crate::pulls;
use crate::router::Ctx;
use crate::state::{GitRef, ZERO_ID};

/// A resolved repository: its index in the org, and where the segments after it start.
pub struct RepoAt {
    pub idx: usize,
    pub at: usize,
}

/// The bare 401 of a missing scope unless the token holds `scope`; then 403 TF401027 when the
/// identity lacks the Git `permission` on the repository the path names (an ACL, not a scope).
pub fn require(ctx: &Ctx, scope: &str, permission: &str) -> Option<Response> {
    if let Some(refused) = crate::auth::require_scope(ctx, &[scope]) {
        return Some(refused);
    }
    let bits = permission_bits(permission)?;
    let token = repo_token(ctx)?;
    if crate::security::allowed(ctx.org(), &ctx.principal.user.id, GIT_NAMESPACE, &token, bits) {
        return None;
    }
    Some(errors::git_needs_permission(permission, &ctx.principal.user.display_name))
}

fn permission_bits(permission: &str) -> Option<u32> {
    Some(match permission {
        "GenericRead" => GIT_GENERIC_READ,
        "GenericContribute" => GIT_GENERIC_CONTRIBUTE,
        "CreateBranch" => GIT_CREATE_BRANCH,
        "PullRequestContribute" => GIT_PULL_REQUEST_CONTRIBUTE,
        _ => return None,
    })
}

/// `repoV2/{projectId}/{repoId}` of the repository in the request path, when it names one.
fn repo_token(ctx: &Ctx) -> Option<String> {
    let at = ctx.rest.iter().position(|s| s.eq_ignore_ascii_case("repositories"))?;
    let key = ctx.rest.get(at + 1)?;
    let project = match ctx.rest.get(1) {
        Some(second) if second.eq_ignore_ascii_case("_apis") => ctx.org().project(&ctx.rest[0]).map(|p| p.id.clone()),
        _ => None,
    };
    let org = ctx.org();
    let repo = &org.repos[org.repo_index(project.as_deref(), key)?];
    Some(format!("repoV2/{}/{}", repo.project_id, repo.id))
}

/// `at` indexes the segment after `git`.
pub fn route(ctx: &mut Ctx, project: Option<String>, at: usize) -> Response {
    let tail = ctx.tail(at);
    let t: Vec<&str> = tail.iter().map(String::as_str).collect();
    let read = ctx.req.is_read();
    if let Some(denied) = require(ctx, "vso.code", "GenericRead") {
        return denied;
    }
    if ctx.principal.access_level == crate::model::AccessLevel::Stakeholder {
        let key = t.get(1).map(|k| k.to_string()).unwrap_or_else(|| project.clone().unwrap_or_default());
        return errors::repo_not_found(&key);
    }
    match t.as_slice() {
        ["repositories"] if read => list_repos(ctx, project.as_deref()),
        ["pullrequests"] if read => pulls::list(ctx, project.as_deref(), None),
        ["pullrequests", id] if read => {
            let id = id.to_string();
            pulls::get_any(ctx, project.as_deref(), &id)
        }
        ["repositories", _, rest @ ..] => {
            let key = ctx.rest[at + 1].clone();
            let Some(idx) = ctx.org().repo_index(project.as_deref(), &key) else {
                return errors::repo_not_found(&key);
            };
            let repo = RepoAt { idx, at: at + 2 };
            match rest {
                [] if read => get_repo(ctx, &repo),
                ["refs"] if read => list_refs(ctx, &repo),
                ["refs"] if ctx.req.method == Method::POST => update_refs(ctx, &repo),
                ["commits"] if read => list_commits(ctx, &repo),
                ["pullrequests", ..] => pulls::route(ctx, &repo),
                [] | ["refs"] | ["commits"] => errors::method_not_allowed(),
                _ => errors::route_not_found(&ctx.req.path),
            }
        }
        ["repositories"] | ["pullrequests"] | ["pullrequests", _] => errors::method_not_allowed(),
        _ => errors::route_not_found(&ctx.req.path),
    }
}

fn list_repos(ctx: &mut Ctx, project: Option<&str>) -> Response {
    let pb = ctx.public_base();
    let org = ctx.org();
    let value: Vec<Value> = org
        .repos
        .iter()
        .filter(|r| project.is_none_or(|p| r.project_id == p))
        .map(|r| repo_json(org, r, &pb, false))
        .collect();
    json(StatusCode::OK, &json!({"value": value, "count": value.len()}))
}

fn get_repo(ctx: &mut Ctx, repo: &RepoAt) -> Response {
    let pb = ctx.public_base();
    let org = ctx.org();
    json(StatusCode::OK, &repo_json(org, &org.repos[repo.idx], &pb, true))
}

/// Paging per the Server 2022 GitRefsController: token = full name of the first ref of the next page.
fn list_refs(ctx: &mut Ctx, repo: &RepoAt) -> Response {
    let pb = ctx.public_base();
    let r = &ctx.org().repos[repo.idx];
    let prefix = ctx.req.q("filter").map(|f| {
        let f = f.trim_start_matches('/');
        if f.starts_with("refs/") { f.to_string() } else { format!("refs/{f}") }
    });
    let contains = ctx.req.q("filterContains").map(str::to_ascii_lowercase);
    let all: Vec<(&String, &GitRef)> = r
        .refs
        .iter()
        .filter(|(name, _)| prefix.as_ref().is_none_or(|p| name.starts_with(p.as_str())))
        .filter(|(name, _)| contains.as_ref().is_none_or(|c| name.to_ascii_lowercase().contains(c.as_str())))
        .collect();
    let token = ctx.req.q("continuationToken").filter(|t| !t.is_empty());
    let start = token.map(|t| all.iter().position(|(n, _)| n.as_str() >= t).unwrap_or(all.len())).unwrap_or(0);
    let top = match (ctx.req.q_num("$top"), token) {
        (Some(n), _) => Some(n.min(1000)),
        (None, Some(_)) => Some(100),
        (None, None) => None,
    };
    let end = top.map(|n| start.saturating_add(n).min(all.len())).unwrap_or(all.len());
    let value: Vec<Value> = all[start..end].iter().map(|(n, g)| ref_json(r, n, g, &pb)).collect();
    let mut resp = json(StatusCode::OK, &json!({"value": value, "count": value.len()}));
    if end < all.len() {
        set(&mut resp, "x-ms-continuationtoken", all[end].0);
    }
    resp
}

fn valid_ref_name(name: &str) -> bool {
    name.starts_with("refs/")
        && name.len() > 5
        && !name.ends_with('/')
        && !name.ends_with(".lock")
        && !name.contains("..")
        && !name.contains("//")
        && !name.chars().any(|c| c.is_whitespace() || "~^:?*[\\".contains(c))
}

fn update_refs(ctx: &mut Ctx, repo: &RepoAt) -> Response {
    let Some(Value::Array(updates)) = ctx.req.json_body() else {
        return errors::bad_request("Value cannot be null.\r\nParameter name: refUpdates");
    };
    let creates = updates.iter().all(|u| u["oldObjectId"].as_str().is_none_or(|o| o == ZERO_ID));
    let permission = if creates { "CreateBranch" } else { "GenericContribute" };
    if let Some(denied) = require(ctx, "vso.code_write", permission) {
        return denied;
    }
    let user = ctx.user();
    let r = &mut ctx.org_mut().repos[repo.idx];
    let mut results = Vec::new();
    for u in &updates {
        let name = u["name"].as_str().unwrap_or_default().to_string();
        let old = u["oldObjectId"].as_str().unwrap_or(ZERO_ID).to_ascii_lowercase();
        let new = u["newObjectId"].as_str().unwrap_or(ZERO_ID).to_ascii_lowercase();
        let current = r.refs.get(&name).map(|g| g.object_id.clone());
        let resolvable = r.has_commit(&new) || r.refs.values().any(|g| g.object_id == new);
        let status = if !valid_ref_name(&name) {
            "invalidRefName"
        } else if current.as_deref().unwrap_or(ZERO_ID) != old {
            "staleOldObjectId"
        } else if new == ZERO_ID {
            r.refs.remove(&name);
            "succeeded"
        } else if !resolvable {
            "unresolvableToCommit"
        } else {
            r.refs.insert(name.clone(), GitRef { object_id: new.clone(), creator: user.clone() });
            "succeeded"
        };
        results.push(json!({
            "repositoryId": r.id, "name": name, "oldObjectId": old, "newObjectId": new,
            "isLocked": false, "updateStatus": status, "success": status == "succeeded",
        }));
    }
    json(StatusCode::OK, &json!({"value": results, "count": results.len()}))
}

fn list_commits(ctx: &mut Ctx, repo: &RepoAt) -> Response {
    let pb = ctx.public_base();
    let q = |k: &str| ctx.req.q(&format!("searchCriteria.{k}")).or_else(|| ctx.req.q(k));
    let org = ctx.org();
    let r = &org.repos[repo.idx];
    let version = q("itemVersion.version");
    let kind = q("itemVersion.versionType").unwrap_or("branch").to_ascii_lowercase();
    let head = match version {
        None => r.default_branch.as_ref().and_then(|b| r.refs.get(b)).map(|g| g.object_id.clone()),
        Some(v) if kind == "commit" => r.has_commit(v).then(|| v.to_ascii_lowercase()),
        Some(v) => {
            let full = if kind == "tag" { format!("refs/tags/{v}") } else { format!("refs/heads/{v}") };
            match r.refs.get(&full) {
                Some(g) => Some(g.object_id.clone()),
                None => {
                    let msg = format!(
                        "TF401175: The version descriptor <{}: {v}> could not be resolved to a version in the repository {}",
                        if kind == "tag" { "Tag" } else { "Branch" },
                        r.name
                    );
                    return errors::unresolvable_commit(&msg);
                }
            }
        }
    };
    let skip = ctx.req.q_num("$skip").or_else(|| ctx.req.q_num("searchCriteria.$skip")).unwrap_or(0);
    let top = ctx.req.q_num("$top").or_else(|| ctx.req.q_num("searchCriteria.$top")).unwrap_or(100);
    let history = head.map(|h| r.history(&h)).unwrap_or_default();
    let value: Vec<Value> = history.iter().skip(skip).take(top).map(|c| commit_json(org, r, c, &pb)).collect();
    json(StatusCode::OK, &json!({"count": value.len(), "value": value}))
}
