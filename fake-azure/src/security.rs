//! Identity permissions (ACLs) and `POST _apis/security/permissionevaluationbatch`, which answers
//! them per security token for the Git and ServiceHooks namespaces (docs/azure-devops-wire.md §3.15).
//!
//! A permission belongs to the identity, not to the credential: the batch answers the same for a
//! full-scope and a narrow PAT of one user. The swagger gives the operation no oauth2 scope, so
//! any authenticated credential may call it (whether a scoped PAT is refused here is unconfirmed).

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use crate::errors;
use crate::http::json;
use crate::model::{GIT_NAMESPACE, SERVICE_HOOKS_NAMESPACE};
use crate::router::Ctx;
use crate::state::Org;

/// Whether `user_id` holds every bit of `bits` on `token`: the deepest token with an entry
/// decides (a deny wins over an allow on the same token); inheritance runs downward only.
pub fn allowed(org: &Org, user_id: &str, namespace: &str, token: &str, bits: u32) -> bool {
    let parts: Vec<&str> = token.trim_matches('/').split('/').filter(|p| !p.is_empty()).collect();
    for depth in (1..=parts.len()).rev() {
        let at = parts[..depth].join("/");
        let entries: Vec<_> = org
            .acl
            .iter()
            .filter(|a| {
                a.identity.eq_ignore_ascii_case(user_id)
                    && a.namespace.eq_ignore_ascii_case(namespace)
                    && a.token.trim_matches('/').eq_ignore_ascii_case(&at)
                    && a.bits & bits != 0
            })
            .collect();
        if entries.iter().any(|a| !a.allow) {
            return false;
        }
        if entries.iter().any(|a| a.allow && a.bits & bits == bits) {
            return true;
        }
    }
    // No entry: the seeded users are contributors and administrators of every project, which
    // grants at project level; nothing is granted at the namespace root.
    parts.len() >= 2 && known_namespace(namespace)
}

fn known_namespace(namespace: &str) -> bool {
    namespace.eq_ignore_ascii_case(GIT_NAMESPACE) || namespace.eq_ignore_ascii_case(SERVICE_HOOKS_NAMESPACE)
}

pub fn evaluate(ctx: &mut Ctx) -> Response {
    if ctx.req.method != Method::POST {
        return errors::method_not_allowed();
    }
    let Some(body) = ctx.req.json_body() else {
        return errors::bad_request("Value cannot be null.\r\nParameter name: evalBatch");
    };
    let user = ctx.principal.user.id.clone();
    let evaluations: Vec<Value> = body["evaluations"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|e| {
                    let ns = e["securityNamespaceId"].as_str().unwrap_or_default();
                    let token = e["token"].as_str().unwrap_or_default();
                    let bits = e["permissions"].as_u64().and_then(|b| u32::try_from(b).ok()).unwrap_or(0);
                    let value = bits != 0 && allowed(ctx.org(), &user, ns, token, bits);
                    json!({
                        "securityNamespaceId": e["securityNamespaceId"],
                        "token": e["token"],
                        "permissions": e["permissions"],
                        "value": value,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    json(
        StatusCode::OK,
        &json!({"evaluations": evaluations, "alwaysAllowAdministrators": body["alwaysAllowAdministrators"].as_bool().unwrap_or(false)}),
    )
}
