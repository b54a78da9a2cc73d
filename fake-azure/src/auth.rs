//! Credential checks (PAT over Basic, Entra bearer) and the 203 sign-in page / 401 challenges real Azure DevOps answers.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use serde_json::json;

use crate::ADO_RESOURCE_ID;
use crate::errors;
use crate::http::{Req, json, set, with_type};
use crate::model::{AccessLevel, User};
use crate::router::Ctx;
use crate::state::{Org, World};

/// Who a request acts as, and what it may do.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user: User,
    pub scopes: Vec<String>,
    /// Stakeholders cannot use Repos (docs/azure-devops-wire.md §6.1).
    pub access_level: AccessLevel,
}

impl Principal {
    /// A user (or PAT) with Basic access.
    pub fn basic(user: User, scopes: Vec<String>) -> Principal {
        Principal { user, scopes, access_level: AccessLevel::Basic }
    }

    /// True when any of `needed` is granted directly or through a broader scope.
    pub fn has_any(&self, needed: &[&str]) -> bool {
        needed.iter().any(|n| has_scope(&self.scopes, n))
    }
}

/// `None` when the caller's token holds any of `needed`; else the bare 401 Azure DevOps answers a
/// valid credential without the route's scope (docs/azure-devops-wire.md §2.3: no documented body, a
/// `Basic realm` challenge; `connectionData` still answers 200 for the same credential).
pub fn require_scope(ctx: &Ctx, needed: &[&str]) -> Option<Response> {
    if ctx.principal.has_any(needed) {
        return None;
    }
    let mut r = crate::http::empty(StatusCode::UNAUTHORIZED);
    set(&mut r, "WWW-Authenticate", &format!("Basic realm=\"{}/\"", ctx.base));
    Some(r)
}

enum Credential {
    None,
    Pat(String),
    Bearer(String),
}

fn credential(req: &Req) -> Credential {
    let Some(value) = req.header("authorization") else {
        return Credential::None;
    };
    let (scheme, rest) = value.trim().split_once(' ').unwrap_or((value, ""));
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = STANDARD.decode(rest.trim()).ok().and_then(|b| String::from_utf8(b).ok());
        match decoded {
            Some(d) => {
                let pat = d.split_once(':').map(|(_, p)| p).unwrap_or(&d);
                if pat.is_empty() { Credential::None } else { Credential::Pat(pat.to_string()) }
            }
            None => Credential::None,
        }
    } else if scheme.eq_ignore_ascii_case("bearer") && !rest.trim().is_empty() {
        Credential::Bearer(rest.trim().to_string())
    } else {
        Credential::None
    }
}

/// Authenticates a request to `org`; the error is the complete answer to send.
pub fn authenticate(world: &World, org: &Org, req: &Req, base: &str) -> Result<Principal, Box<Response>> {
    match credential(req) {
        Credential::None => Err(Box::new(challenge(req, org, base))),
        Credential::Pat(_) if org.server.is_some() && org.iis_basic_auth => Err(Box::new(iis_basic_challenge())),
        Credential::Pat(token) => match org.pats.get(&token) {
            Some(pat) if pat.expired => Err(Box::new(expired_pat(org, base))),
            // Services stopped accepting global PATs on 2026-12-01 (docs/azure-devops-wire.md §7). That it
            // then answers like any unusable PAT (203 page / 401 challenge) is a guess.
            Some(pat) if pat.global && org.server.is_none() => Err(Box::new(challenge(req, org, base))),
            Some(pat) => Ok(Principal::basic(pat.user.clone(), pat.scopes.clone())),
            None => Err(Box::new(challenge(req, org, base))),
        },
        Credential::Bearer(token) => {
            // Azure DevOps Server takes no OAuth bearer tokens.
            let Some(t) = world.access_tokens.get(&token).filter(|_| org.server.is_none()) else {
                return Err(Box::new(challenge(req, org, base)));
            };
            if t.expires_at <= Utc::now() || t.audience != ADO_RESOURCE_ID {
                return Err(Box::new(challenge(req, org, base)));
            }
            if org.oauth_blocked || !t.tenant_id.eq_ignore_ascii_case(&org.tenant_id) {
                let mut r = errors::unauthorized(Some(&t.user.id));
                add_challenge_headers(&mut r, org, base);
                return Err(Box::new(r));
            }
            if !t.app_only {
                return Ok(Principal::basic(t.user.clone(), t.scopes.clone()));
            }
            match org.service_principals.get(&t.user.id.to_ascii_lowercase()) {
                Some(level) => Ok(Principal { user: t.user.clone(), scopes: t.scopes.clone(), access_level: *level }),
                None => Err(Box::new(errors::service_principal_not_member(&t.tenant_id, &t.user.id))),
            }
        }
    }
}

/// Authenticates against the profile service: a bearer token, or a global PAT (an org-scoped PAT
/// gets 401 there, docs/azure-devops-wire.md §3.11; a retired global PAT still answers 200).
pub fn authenticate_profile(world: &World, req: &Req) -> Option<Principal> {
    match credential(req) {
        Credential::None => None,
        Credential::Pat(token) => world.orgs.values().find_map(|o| {
            o.pats
                .get(&token)
                .filter(|p| !p.expired && p.global)
                .map(|p| Principal::basic(p.user.clone(), p.scopes.clone()))
        }),
        Credential::Bearer(token) => world
            .access_tokens
            .get(&token)
            .filter(|t| t.expires_at > Utc::now() && t.audience == ADO_RESOURCE_ID)
            .map(|t| Principal::basic(t.user.clone(), t.scopes.clone())),
    }
}

/// The answer to a missing or unusable credential.
pub fn challenge(req: &Req, org: &Org, base: &str) -> Response {
    if org.server.is_some() {
        let mut r = with_type(StatusCode::UNAUTHORIZED, "text/html", IIS_401_PAGE.to_vec());
        add_challenge_headers(&mut r, org, base);
        return r;
    }
    let suppress = req.header("x-tfs-fedauthredirect").is_some_and(|v| v.eq_ignore_ascii_case("suppress"));
    let get_or_post = req.method == Method::GET || req.method == Method::POST || req.method == Method::HEAD;
    if get_or_post && !suppress {
        return sign_in_page(base);
    }
    let mut r = errors::unauthorized(None);
    add_challenge_headers(&mut r, org, base);
    r
}

/// IIS's own 401 when its Basic authentication is on: no Azure DevOps `Bearer` challenge and no
/// TFS headers (which schemes IIS then offers is **unconfirmed**; Windows authentication stays on).
fn iis_basic_challenge() -> Response {
    let mut r = with_type(StatusCode::UNAUTHORIZED, "text/html", IIS_401_PAGE.to_vec());
    crate::http::append(&mut r, "WWW-Authenticate", "Negotiate");
    crate::http::append(&mut r, "WWW-Authenticate", "NTLM");
    crate::http::append(&mut r, "WWW-Authenticate", "Basic realm=\"ado\"");
    r
}

const IIS_401_PAGE: &[u8] = b"<!DOCTYPE html><html><head><title>401 - Unauthorized: Access is denied due to invalid credentials.</title></head><body><h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2><h3>You do not have permission to view this directory or page using the credentials that you supplied.</h3></body></html>";

/// The 203 "Non-Authoritative Information" sign-in page of Azure DevOps Services.
pub fn sign_in_page(base: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html>\r\n<html>\r\n<head>\r\n<meta charset=\"utf-8\" />\r\n<title>Azure DevOps Services | Sign In</title>\r\n\
<meta http-equiv=\"X-UA-Compatible\" content=\"IE=11;&#32;IE=10;&#32;IE=9;&#32;IE=8\" />\r\n</head>\r\n\
<body>\r\n<form action=\"{base}/_signin?realm=dev.azure.com\" method=\"post\"><p>Sign in to continue to Azure DevOps.</p></form>\r\n</body>\r\n</html>\r\n"
    );
    with_type(StatusCode::NON_AUTHORITATIVE_INFORMATION, "text/html; charset=utf-8", html.into_bytes())
}

fn add_challenge_headers(r: &mut Response, org: &Org, base: &str) {
    if org.server.is_some() {
        crate::http::append(r, "WWW-Authenticate", "Bearer");
        crate::http::append(r, "WWW-Authenticate", &format!("Basic realm=\"{base}/{}\"", org.name));
        crate::http::append(r, "WWW-Authenticate", "Negotiate");
        crate::http::append(r, "WWW-Authenticate", "NTLM");
        return;
    }
    // An organization backed by Microsoft accounts has no Entra authority to name: its Bearer
    // challenge carries none and its resource tenant is all zeros (git-credential-manager reads
    // the header only when no Bearer authorization_uri is present; that MSA orgs omit it is inferred).
    let bearer = if org.tenant_id == MSA_TENANT {
        "Bearer".to_owned()
    } else {
        format!("Bearer authorization_uri={base}/{}", org.tenant_id)
    };
    set(r, "WWW-Authenticate", &format!("{bearer}, Basic realm=\"{base}/\", TFS-Federated"));
    set(r, "X-TFS-FedAuthRealm", &format!("{base}/"));
    set(r, "X-TFS-FedAuthIssuer", &format!("{base}/{}/", org.name));
    set(r, "X-VSS-ResourceTenant", &org.tenant_id);
    set(
        r,
        "X-TFS-ServiceError",
        "TF400813%3a+Resource+not+available+for+anonymous+access.+Client+authentication+required.",
    );
    set(
        r,
        "X-TFS-SoapException",
        "%3c%3fxml+version%3d%221.0%22+encoding%3d%22utf-8%22%3f%3e%3csoap%3aEnvelope+xmlns%3asoap%3d%22http%3a%2f%2fwww.w3.org%2f2003%2f05%2fsoap-envelope%22%3e%3csoap%3aBody%3e%3csoap%3aFault%3e%3csoap%3aCode%3e%3csoap%3aValue%3esoap%3aReceiver%3c%2fsoap%3aValue%3e%3csoap%3aSubcode%3e%3csoap%3aValue%3eUnauthorizedRequestException%3c%2fsoap%3aValue%3e%3c%2fsoap%3aSubcode%3e%3c%2fsoap%3aCode%3e%3csoap%3aReason%3e%3csoap%3aText+xml%3alang%3d%22en%22%3eTF400813%3a+Resource+not+available+for+anonymous+access.+Client+authentication+required.%3c%2fsoap%3aText%3e%3c%2fsoap%3aReason%3e%3c%2fsoap%3aFault%3e%3c%2fsoap%3aBody%3e%3c%2fsoap%3aEnvelope%3e",
    );
}

/// The all-zero resource tenant of an organization backed by Microsoft accounts.
pub const MSA_TENANT: &str = "00000000-0000-0000-0000-000000000000";

/// An anonymous `HEAD`/`GET /{org}`: the 401 challenge that names the organization's resource
/// tenant (`WWW-Authenticate`, `X-VSS-ResourceTenant`), whatever `X-TFS-FedAuthRedirect` says,
/// as clients discovering the tenant see it (git-credential-manager `AzureDevOpsRestApi.cs`
/// `GetAuthorityAsync`; github/app#3304).
pub fn anonymous_org(req: &Req, org: &Org, base: &str) -> Response {
    let mut r = if req.method == Method::HEAD {
        crate::http::empty(StatusCode::UNAUTHORIZED)
    } else {
        errors::unauthorized(None)
    };
    add_challenge_headers(&mut r, org, base);
    r
}

fn expired_pat(org: &Org, base: &str) -> Response {
    let mut r = json(
        StatusCode::UNAUTHORIZED,
        &json!({
            "$id": "1",
            "customProperties": {
                "Descriptor": null,
                "IdentityDisplayName": null,
                "Token": null,
                "RequestedPermissions": 0,
                "NamespaceId": "00000000-0000-0000-0000-000000000000"
            },
            "innerException": null,
            "message": "Access Denied: The Personal Access Token used has expired.",
            "typeName": "Microsoft.VisualStudio.Services.Security.AccessCheckException, Microsoft.VisualStudio.Services.WebApi",
            "typeKey": "AccessCheckException",
            "errorCode": 0,
            "eventId": 3000
        }),
    );
    add_challenge_headers(&mut r, org, base);
    set(&mut r, "X-TFS-ServiceError", "Access%20Denied%3A%20The%20Personal%20Access%20Token%20used%20has%20expired.");
    r
}

/// Broader scopes grant the narrower ones they contain.
fn implied(granted: &str) -> &'static [&'static str] {
    match granted {
        "vso.code_write" => &["vso.code"],
        "vso.code_manage" => &["vso.code_write", "vso.code"],
        "vso.code_full" => &["vso.code_manage", "vso.code_write", "vso.code", "vso.code_status"],
        "vso.work_write" => &["vso.work"],
        "vso.work_full" => &["vso.work_write", "vso.work"],
        "vso.project_write" => &["vso.project"],
        "vso.project_manage" => &["vso.project_write", "vso.project"],
        "vso.hooks_write" => &["vso.hooks"],
        "vso.hooks_interact" => &["vso.hooks"],
        "vso.build_execute" => &["vso.build"],
        "vso.profile_write" => &["vso.profile"],
        _ => &[],
    }
}

pub fn has_scope(granted: &[String], needed: &str) -> bool {
    granted.iter().any(|g| {
        let g = g.trim().to_ascii_lowercase();
        let g = g.rsplit('/').next().unwrap_or(&g).to_string();
        g == needed || g == "user_impersonation" || g == ".default" || implied(&g).contains(&needed)
    })
}
