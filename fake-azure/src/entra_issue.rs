//! Minting Entra tokens: JWT-shaped access tokens, signed ID tokens, rotating refresh tokens, stored for bearer checks.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use serde_json::{Value, json};

use crate::id_token_faults::IdTokenFault;
use crate::model::{User, guid_from};
use crate::state::{AccessToken, RefreshToken, World};
use crate::{ADO_RESOURCE_ID, entra_keys};

const GRAPH_RESOURCE_ID: &str = "00000003-0000-0000-c000-000000000000";
const LIFETIME_SECS: i64 = 3599;

/// What a successful grant hands to `issue`.
pub struct Grant {
    pub user: User,
    pub scope: String,
    pub refresh: bool,
    pub nonce: Option<String>,
    /// An authorization code is being redeemed (ID token faults apply to these only).
    pub code_redemption: bool,
    /// Client credentials: the token is the application's own.
    pub app_only: bool,
}

/// Access tokens are JWT-shaped with a placeholder signature: nobody but the fake reads them.
fn jwt(payload: &Value) -> String {
    let header = json!({"typ": "JWT", "alg": "RS256", "kid": "fake-azure-key"});
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap_or_default());
    format!("{}.{}.{}", part(&header), part(payload), URL_SAFE_NO_PAD.encode(b"fake-azure-signature"))
}

/// Stores and returns a new access (and maybe refresh/id) token.
pub fn issue(world: &mut World, base: &str, tenant_id: &str, client_id: &str, g: Grant) -> Value {
    let requested: Vec<&str> = g.scope.split_whitespace().collect();
    let oidc = ["openid", "profile", "email", "offline_access"];
    let mut ado = Vec::new();
    let mut others = Vec::new();
    for s in &requested {
        let lower = s.to_ascii_lowercase();
        if let Some(name) = lower
            .strip_prefix(&format!("{ADO_RESOURCE_ID}/"))
            .or_else(|| lower.strip_prefix("https://app.vssps.visualstudio.com/"))
        {
            ado.push(if name == ".default" { "user_impersonation".to_string() } else { name.to_string() });
        } else if !oidc.contains(&lower.as_str()) {
            others.push(s.to_string());
        }
    }
    let audience = if ado.is_empty() { GRAPH_RESOURCE_ID } else { ADO_RESOURCE_ID };
    let now = Utc::now();
    let scope_out = if ado.is_empty() {
        others.join(" ")
    } else {
        ado.iter().map(|s| format!("{ADO_RESOURCE_ID}/{s}")).collect::<Vec<_>>().join(" ")
    };
    let access = jwt(&json!({
        "aud": audience, "iss": format!("https://sts.windows.net/{tenant_id}/"),
        "iat": now.timestamp(), "nbf": now.timestamp(), "exp": now.timestamp() + LIFETIME_SECS,
        "appid": client_id, "oid": g.user.id, "tid": tenant_id, "scp": ado.join(" "),
        "name": g.user.display_name, "upn": g.user.unique_name, "ver": "1.0", "jti": uuid::Uuid::new_v4().to_string(),
    }));
    world.access_tokens.insert(
        access.clone(),
        AccessToken {
            user: g.user.clone(),
            scopes: ado,
            audience: audience.into(),
            tenant_id: tenant_id.into(),
            expires_at: now + chrono::Duration::seconds(LIFETIME_SECS),
            app_only: g.app_only,
        },
    );
    let mut body = json!({
        "token_type": "Bearer", "scope": scope_out,
        "expires_in": LIFETIME_SECS, "ext_expires_in": LIFETIME_SECS, "access_token": access,
    });
    if g.refresh {
        let rt = format!("1.AXoA{}", URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes()));
        world.refresh_tokens.insert(
            rt.clone(),
            RefreshToken {
                client_id: client_id.into(),
                tenant_id: tenant_id.into(),
                scope: g.scope.clone(),
                user: g.user.clone(),
                valid: true,
            },
        );
        body["refresh_token"] = json!(rt);
    }
    if requested.contains(&"openid") {
        let mut claims = json!({
            "aud": client_id, "iss": format!("{base}/{tenant_id}/v2.0"),
            "iat": now.timestamp(), "nbf": now.timestamp(), "exp": now.timestamp() + LIFETIME_SECS,
            "name": g.user.display_name, "oid": g.user.id, "preferred_username": g.user.unique_name,
            "sub": guid_from(&format!("sub:{}:{client_id}", g.user.id)), "tid": tenant_id, "ver": "2.0",
        });
        if let Some(nonce) = &g.nonce {
            claims["nonce"] = json!(nonce);
        }
        let fault = world.id_token_fault.filter(|_| g.code_redemption);
        let id_token = match fault {
            None => Some(entra_keys::sign(&claims)),
            Some(IdTokenFault::ForeignSignature) => Some(entra_keys::sign_with_foreign_key(&claims)),
            Some(IdTokenFault::OtherNonce) => {
                claims["nonce"] = json!(uuid::Uuid::new_v4().to_string());
                Some(entra_keys::sign(&claims))
            }
            Some(IdTokenFault::OtherAudience) => {
                claims["aud"] = json!(uuid::Uuid::new_v4().to_string());
                Some(entra_keys::sign(&claims))
            }
            Some(IdTokenFault::Absent) => None,
        };
        if let Some(id_token) = id_token {
            body["id_token"] = json!(id_token);
        }
    }
    body
}

/// Mints a bearer token directly (test helper), as if issued to `client_id`.
pub fn mint(world: &mut World, base: &str, tenant_id: &str, user: User, scopes: &[&str]) -> String {
    let scope = scopes.iter().map(|s| format!("{ADO_RESOURCE_ID}/{s}")).collect::<Vec<_>>().join(" ");
    let g = Grant { user, scope, refresh: false, nonce: None, code_redemption: false, app_only: false };
    let body = issue(world, base, tenant_id, "fake-azure-test-client", g);
    body["access_token"].as_str().unwrap_or_default().to_string()
}
