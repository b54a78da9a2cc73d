//! Entra `/oauth2/v2.0/token`: client_credentials, authorization_code (PKCE), refresh_token, and AADSTS error bodies.

use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::Utc;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::Shared;
use crate::entra_issue::{Grant, issue};
use crate::http::{Req, json, set};
use crate::model::{EntraApp, User};
use crate::state::World;

/// The 5.3 error shape: error, error_description (with trace lines), error_codes, timestamp, ids, error_uri.
pub fn oauth_error(base: &str, req: &Req, status: StatusCode, error: &str, code: u32, message: &str) -> Response {
    let trace = uuid::Uuid::new_v4().to_string();
    let correlation =
        req.header("client-request-id").map(str::to_string).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let ts = Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string();
    let body = json!({
        "error": error,
        "error_description": format!("{message}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\r\nTimestamp: {ts}"),
        "error_codes": [code],
        "timestamp": ts,
        "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": format!("{base}/error?code={code}"),
    });
    let mut r = json(status, &body);
    no_cache(&mut r);
    set(&mut r, "x-ms-request-id", &trace);
    set(&mut r, "client-request-id", &correlation);
    r
}

fn no_cache(r: &mut Response) {
    set(r, "Cache-Control", "no-store, no-cache");
    set(r, "Pragma", "no-cache");
}

pub fn invalid_tenant(base: &str, tenant: &str, req: &Req) -> Response {
    oauth_error(
        base,
        req,
        StatusCode::BAD_REQUEST,
        "invalid_tenant",
        90002,
        &format!(
            "AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
        ),
    )
}

pub fn unavailable(base: &str) -> Response {
    let req = Req::new(axum::http::Method::POST, "/", None, Default::default(), Vec::new());
    oauth_error(
        base,
        &req,
        StatusCode::SERVICE_UNAVAILABLE,
        "temporarily_unavailable",
        50196,
        "AADSTS50196: The server is temporarily unavailable. Please try again later.",
    )
}

pub fn throttled() -> Response {
    let mut r = json(
        StatusCode::TOO_MANY_REQUESTS,
        &json!({"error": "temporarily_unavailable", "error_description": "AADSTS50196: The server terminated an operation because it encountered a client request loop.", "error_codes": [50196]}),
    );
    no_cache(&mut r);
    r
}

/// The app and the tenant it lives in; `common`/`organizations` search every tenant.
pub fn find_app(world: &World, tid: &str, client_id: &str) -> Option<(String, EntraApp)> {
    world
        .tenants
        .values()
        .filter(|t| tid == "common" || tid == "organizations" || t.id.eq_ignore_ascii_case(tid))
        .find_map(|t| {
            t.apps.iter().find(|a| a.client_id.eq_ignore_ascii_case(client_id)).map(|a| (t.id.clone(), a.clone()))
        })
}

/// AADSTS50194 for `/common` or `/organizations` with an app registered in one tenant (every app
/// of the fake is single-tenant, as new registrations are by default).
pub fn multi_tenant_refusal(client_id: &str, tid: &str) -> String {
    format!(
        "AADSTS50194: Application '{client_id}'(vcslink) is not configured as a multi-tenant application. Usage of the /{tid} endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant."
    )
}

fn single_tenant_only(base: &str, req: &Req, tid: &str, client_id: &str, world: &World) -> Option<Response> {
    if tid != "common" && tid != "organizations" {
        return None;
    }
    find_app(world, tid, client_id)?;
    let message = multi_tenant_refusal(client_id, tid);
    Some(oauth_error(base, req, StatusCode::BAD_REQUEST, "invalid_request", 50194, &message))
}

pub fn token(shared: &Shared, req: &Req, tid: &str) -> Response {
    let base = shared.base.as_str();
    let form = req.form();
    let field = |k: &str| form.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
    let err =
        |status: StatusCode, error: &str, code: u32, msg: String| oauth_error(base, req, status, error, code, &msg);
    let (mut client_id, mut secret) = (field("client_id"), field("client_secret"));
    if let Some((id, s)) = basic_client(req) {
        client_id = client_id.or(Some(id));
        secret = secret.or(Some(s));
    }
    let missing = |p: &str| {
        err(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            format!("AADSTS900144: The request body must contain the following parameter: '{p}'."),
        )
    };
    let Some(client_id) = client_id else {
        return missing("client_id");
    };
    let Some(grant) = field("grant_type") else {
        return missing("grant_type");
    };
    let mut world = shared.lock();
    if let Some(refusal) = single_tenant_only(base, req, tid, &client_id, &world) {
        return refusal;
    }
    let Some((tenant_id, app)) = find_app(&world, tid, &client_id) else {
        return err(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700016,
            format!(
                "AADSTS700016: Application with identifier '{client_id}' was not found in the directory '{tid}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
            ),
        );
    };
    if let Some(assertion) = field("client_assertion") {
        let audience = format!("{base}/{tid}/oauth2/v2.0/token");
        let kind = field("client_assertion_type");
        if let Err((status, error, code, message)) = crate::entra_assertion::check(
            &world,
            &app.client_id,
            &assertion,
            kind.as_deref(),
            &audience,
            req.issuer_jwks.as_ref(),
        ) {
            return err(status, error, code, message);
        }
    } else {
        let Some(secret) = secret else {
            return err(StatusCode::UNAUTHORIZED, "invalid_client", 7000218, "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.".into());
        };
        if secret != app.client_secret {
            return err(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                7000215,
                format!(
                    "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.",
                    app.client_id
                ),
            );
        }
        if app.secret_expired {
            return err(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                7000222,
                format!(
                    "AADSTS7000222: The provided client secret keys for app '{}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
                    app.client_id
                ),
            );
        }
    }
    let issued = match grant.as_str() {
        "client_credentials" => {
            let Some(scope) = field("scope") else {
                return missing("scope");
            };
            if !scope.split_whitespace().all(|s| s.ends_with("/.default")) {
                return err(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    1002012,
                    format!(
                        "AADSTS1002012: The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
                    ),
                );
            }
            let sp = User {
                id: crate::service_principal_id(&client_id),
                display_name: format!("App {client_id}"),
                unique_name: client_id.clone(),
            };
            Grant { user: sp, scope, refresh: false, nonce: None, code_redemption: false, app_only: true }
        }
        "authorization_code" | "refresh_token" if world.user_grant_fault.is_some() => {
            let (status, error, code, message) = world.user_grant_fault.map(|f| f.answer()).unwrap_or_default();
            return err(status, error, code, message.to_owned());
        }
        "authorization_code" => {
            let Some(code) = field("code") else {
                return missing("code");
            };
            let invalid =
                |code_no: u32, msg: &str| err(StatusCode::BAD_REQUEST, "invalid_grant", code_no, msg.to_string());
            let Some(c) = world.auth_codes.get_mut(&code) else {
                return invalid(9002313, "AADSTS9002313: Invalid request. Request is malformed or invalid.");
            };
            if c.used {
                return invalid(
                    54005,
                    "AADSTS54005: OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
                );
            }
            if c.expired {
                return invalid(
                    70008,
                    "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
                );
            }
            if !c.client_id.eq_ignore_ascii_case(&client_id) || !c.tenant_id.eq_ignore_ascii_case(&tenant_id) {
                return invalid(
                    700005,
                    "AADSTS700005: Provided Authorization Code is intended to use against other tenant, thus rejected.",
                );
            }
            if field("redirect_uri").as_deref() != Some(c.redirect_uri.as_str()) {
                return invalid(
                    500112,
                    &format!(
                        "AADSTS500112: The reply address '{}' does not match the reply address '{}' provided when requesting Authorization code.",
                        field("redirect_uri").unwrap_or_default(),
                        c.redirect_uri
                    ),
                );
            }
            if let Some((method, challenge)) = &c.challenge {
                let ok = field("code_verifier").is_some_and(|v| pkce_matches(method, challenge, &v));
                if !ok {
                    return invalid(
                        501481,
                        "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.",
                    );
                }
            }
            c.used = true;
            let refresh = c.scope.split_whitespace().any(|s| s == "offline_access");
            let scope = field("scope").unwrap_or_else(|| c.scope.clone());
            Grant {
                user: c.user.clone(),
                scope,
                refresh,
                nonce: c.nonce.clone(),
                code_redemption: true,
                app_only: false,
            }
        }
        "refresh_token" => {
            let Some(rt) = field("refresh_token") else {
                return missing("refresh_token");
            };
            let valid = world
                .refresh_tokens
                .get(&rt)
                .filter(|t| {
                    t.valid
                        && t.client_id.eq_ignore_ascii_case(&client_id)
                        && t.tenant_id.eq_ignore_ascii_case(&tenant_id)
                })
                .cloned();
            let Some(old) = valid else {
                return err(StatusCode::BAD_REQUEST, "invalid_grant", 70008, "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.".into());
            };
            if let Some(t) = world.refresh_tokens.get_mut(&rt) {
                t.valid = false;
            }
            Grant {
                user: old.user,
                scope: field("scope").unwrap_or(old.scope),
                refresh: true,
                nonce: None,
                code_redemption: false,
                app_only: false,
            }
        }
        other => {
            return err(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                70003,
                format!("AADSTS70003: The app requested an unsupported grant type '{other}'."),
            );
        }
    };
    let body = issue(&mut world, base, &tenant_id, &client_id, issued);
    let mut r = json(StatusCode::OK, &body);
    no_cache(&mut r);
    r
}

fn basic_client(req: &Req) -> Option<(String, String)> {
    let v = req.header("authorization")?;
    let (scheme, rest) = v.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(rest.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape =
        |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
    Some((unescape(id)?, unescape(secret)?))
}

fn pkce_matches(method: &str, challenge: &str, verifier: &str) -> bool {
    if method.eq_ignore_ascii_case("S256") {
        URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
    } else {
        verifier == challenge
    }
}
