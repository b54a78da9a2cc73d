//! `POST _apis/security/permissionevaluationbatch`: answers from the caller's scopes for the Git and ServiceHooks namespaces.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use crate::errors;
use crate::http::json;
use crate::router::Ctx;

pub const GIT_NAMESPACE: &str = "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87";
pub const SERVICE_HOOKS_NAMESPACE: &str = "cb594ebe-87dd-4fc9-ac2c-6a10a4c92046";

pub fn evaluate(ctx: &mut Ctx) -> Response {
    if ctx.req.method != Method::POST {
        return errors::method_not_allowed();
    }
    let Some(body) = ctx.req.json_body() else {
        return errors::bad_request("Value cannot be null.\r\nParameter name: evalBatch");
    };
    let evaluations: Vec<Value> = body["evaluations"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|e| {
                    let ns = e["securityNamespaceId"].as_str().unwrap_or_default().to_ascii_lowercase();
                    let allowed = match ns.as_str() {
                        GIT_NAMESPACE => ctx.principal.has_any(&["vso.code_write"]),
                        SERVICE_HOOKS_NAMESPACE => ctx.principal.has_any(&["vso.hooks_write", "vso.code"]),
                        _ => false,
                    };
                    json!({
                        "securityNamespaceId": e["securityNamespaceId"],
                        "token": e["token"],
                        "permissions": e["permissions"],
                        "value": allowed,
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
