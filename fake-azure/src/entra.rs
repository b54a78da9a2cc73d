//! Microsoft Entra ID v2: discovery document, JWKS, and `/authorize` (code + state, PKCE remembered).

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use crate::Shared;
use crate::entra_token::{self, oauth_error};
use crate::http::{Req, empty, enc_query, json, set, with_type};
use crate::state::{AuthCode, World};

/// `/{tenant}/oauth2/...`, `/{tenant}/v2.0/...`, `/{tenant}/discovery/...`.
pub fn is_entra_path(req: &Req) -> bool {
    req.segs.len() >= 2 && {
        let s = req.segs[1].to_ascii_lowercase();
        s == "oauth2" || s == "v2.0" || s == "discovery"
    }
}

/// The concrete tenant id for a path tenant; `common`/`organizations` stay as they are.
pub fn resolve_tenant(world: &World, tenant: &str) -> Option<String> {
    let t = tenant.to_ascii_lowercase();
    if t == "common" || t == "organizations" {
        return Some(t);
    }
    world.tenants.get(&t).map(|x| x.id.clone())
}

pub fn handle(shared: &Shared, req: &Req) -> Response {
    let lsegs: Vec<String> = req.segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let l: Vec<&str> = lsegs.iter().map(String::as_str).collect();
    let base = &shared.base;
    let tenant = req.segs[0].clone();
    let known = resolve_tenant(&shared.lock(), &tenant);
    let Some(tid) = known else {
        return entra_token::invalid_tenant(base, &tenant, req);
    };
    match l.as_slice() {
        [_, "v2.0", ".well-known", "openid-configuration"] => discovery(base, &tid),
        [_, "discovery", "v2.0", "keys"] | [_, "discovery", "keys"] => keys(),
        [_, "oauth2", "v2.0", "authorize"] => authorize(shared, req, &tid),
        [_, "oauth2", "v2.0", "token"] if req.method == axum::http::Method::POST => {
            entra_token::token(shared, req, &tid)
        }
        _ => oauth_error(
            base,
            req,
            StatusCode::NOT_FOUND,
            "invalid_request",
            900561,
            "AADSTS900561: The endpoint only accepts POST, OPTIONS requests. Received a GET request.",
        ),
    }
}

fn discovery(base: &str, tid: &str) -> Response {
    let t = if tid == "common" || tid == "organizations" { "{tenantid}" } else { tid };
    let b = format!("{base}/{tid}");
    let body = json!({
        "token_endpoint": format!("{b}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{b}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": format!("{base}/{t}/v2.0"),
        "request_uri_parameter_supported": false,
        "userinfo_endpoint": format!("{base}/oidc/userinfo"),
        "authorization_endpoint": format!("{b}/oauth2/v2.0/authorize"),
        "device_authorization_endpoint": format!("{b}/oauth2/v2.0/devicecode"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{b}/oauth2/v2.0/logout"),
        "claims_supported": ["sub","iss","cloud_instance_name","cloud_instance_host_name","cloud_graph_host_name","msgraph_host","aud","exp","iat","auth_time","acr","nonce","preferred_username","name","tid","ver","at_hash","c_hash","email"],
        "kerberos_endpoint": format!("{b}/kerberos"),
        "tenant_region_scope": "NA",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    });
    let mut r = json(StatusCode::OK, &body);
    set(&mut r, "Cache-Control", "max-age=86400, private");
    set(&mut r, "Access-Control-Allow-Origin", "*");
    r
}

fn keys() -> Response {
    let mut r = json(StatusCode::OK, &crate::entra_keys::jwks());
    set(&mut r, "Cache-Control", "max-age=86400, private");
    set(&mut r, "Access-Control-Allow-Origin", "*");
    r
}

fn error_page(message: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body><div id=\"error\">{message}</div></body></html>"
    );
    with_type(StatusCode::BAD_REQUEST, "text/html; charset=utf-8", html.into_bytes())
}

fn redirect(to: &str) -> Response {
    let mut r = empty(StatusCode::FOUND);
    set(&mut r, "Location", to);
    set(&mut r, "Cache-Control", "no-store, no-cache");
    r
}

fn with_params(uri: &str, params: &[(&str, &str)]) -> String {
    let q: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", enc_query(v))).collect();
    let sep = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{sep}{}", q.join("&"))
}

fn authorize(shared: &Shared, req: &Req, tid: &str) -> Response {
    let mut world = shared.lock();
    let client_id = req.q("client_id").unwrap_or_default().to_string();
    let Some((app_tenant, _)) = entra_token::find_app(&world, tid, &client_id) else {
        return error_page(&format!(
            "AADSTS700016: Application with identifier '{client_id}' was not found in the directory '{tid}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
        ));
    };
    let Some(redirect_uri) = req.q("redirect_uri").map(str::to_string) else {
        return error_page("AADSTS900144: The request body must contain the following parameter: 'redirect_uri'.");
    };
    let state = req.q("state").unwrap_or_default().to_string();
    let fail = |error: &str, description: &str| {
        let mut p = vec![("error", error), ("error_description", description)];
        if !state.is_empty() {
            p.push(("state", state.as_str()));
        }
        redirect(&with_params(&redirect_uri, &p))
    };
    if tid == "common" || tid == "organizations" {
        return fail("invalid_request", &entra_token::multi_tenant_refusal(&client_id, tid));
    }
    if let Some(error) = world.deny_next_authorization.take() {
        return fail(&error, "AADSTS65004: User declined to consent to access the app.");
    }
    // The prompt values the authorize endpoint knows (docs/azure-devops-wire.md §5.1); others are refused.
    if let Some(prompt) = req.q("prompt")
        && !matches!(prompt, "login" | "none" | "consent" | "select_account")
    {
        return fail("invalid_request", &format!("AADSTS90023: Invalid prompt value '{prompt}'."));
    }
    if req.q("response_type") != Some("code") {
        return fail(
            "unsupported_response_type",
            "AADSTS700054: response_type 'id_token' is not enabled for the application.",
        );
    }
    let challenge = req.q("code_challenge").map(|c| {
        let method = req.q("code_challenge_method").unwrap_or("plain");
        (method.to_string(), c.to_string())
    });
    let user = world
        .tenants
        .get(&app_tenant.to_ascii_lowercase())
        .map(|t| t.sign_in_user.clone())
        .unwrap_or_else(crate::model::User::dana);
    let code = format!("0.AXoA{}", URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes()));
    world.auth_codes.insert(
        code.clone(),
        AuthCode {
            client_id,
            tenant_id: app_tenant,
            redirect_uri: redirect_uri.clone(),
            challenge,
            scope: req.q("scope").unwrap_or_default().to_string(),
            nonce: req.q("nonce").map(str::to_string),
            user,
            used: false,
            expired: false,
        },
    );
    let mut p = vec![("code", code.as_str())];
    if !state.is_empty() {
        p.push(("state", state.as_str()));
    }
    p.push(("session_state", "6b1f0d5e-0c8e-4d3a-9f2b-8a7c6d5e4f3a"));
    redirect(&with_params(&redirect_uri, &p))
}
