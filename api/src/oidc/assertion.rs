//! The client assertion of a federated app identity (docs/azure-devops-wire.md §6.4): `iss` this
//! server's public URL, `sub` `integration:{id}`, `aud` `api://AzureADTokenExchange`, `jti`,
//! `iat` = `nbf` = now, `exp` ten minutes later; RS256 under the current signing key, its `kid` in
//! the header. Signed per token request, never stored or logged.

use jsonwebtoken::{Algorithm, Header};

use super::signing_keys;
use crate::crypto::Keyring;

/// The only audience Entra accepts for federated credentials.
pub const AUDIENCE: &str = "api://AzureADTokenExchange";
const LIFETIME_SECS: i64 = 600;

/// The issuer, subject and audience an admin registers on the app (AppIdentityInfo.federatedCredential).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FederatedSubject {
    pub issuer: String,
    pub subject: String,
}

impl FederatedSubject {
    /// For integration `integration_id` of the server at `public_url`.
    pub fn of(public_url: &str, integration_id: &str) -> FederatedSubject {
        FederatedSubject {
            issuer: public_url.trim_end_matches('/').to_owned(),
            subject: format!("integration:{integration_id}"),
        }
    }
}

/// A signed assertion for one token request.
pub fn sign(keyring: &Keyring, who: &FederatedSubject) -> Result<String, String> {
    let key = signing_keys::current(keyring)?;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(key.kid.clone());
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "iss": who.issuer, "sub": who.subject, "aud": AUDIENCE, "jti": uuid::Uuid::new_v4().to_string(),
        "iat": now, "nbf": now, "exp": now + LIFETIME_SECS,
    });
    jsonwebtoken::encode(&header, &claims, &key.encoding).map_err(|e| e.to_string())
}
