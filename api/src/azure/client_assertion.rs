//! The `private_key_jwt` client assertion of a certificate credential (docs/azure-devops-wire.md
//! §6.3): header `alg` PS256 (the current revision of Microsoft's page), `typ` JWT and `x5t#S256`,
//! the SHA-256 thumbprint Entra finds the certificate by; claims `aud` the token endpoint, `iss` =
//! `sub` = the client id, a fresh `jti`, `nbf` = `iat` = now, `exp` ten minutes later. Signed per
//! token request; never stored or logged.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// `client_assertion_type` for a JWT assertion.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const LIFETIME_SECS: i64 = 600;

/// A signed assertion for one token request.
pub fn sign(
    private_key_pem: &SecretString,
    thumbprint: &str,
    client_id: &str,
    token_url: &Url,
) -> Result<String, String> {
    let key = EncodingKey::from_rsa_pem(private_key_pem.expose_secret().as_bytes()).map_err(|e| e.to_string())?;
    let mut header = Header::new(Algorithm::PS256);
    header.x5t_s256 = Some(thumbprint.to_owned());
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "aud": token_url.as_str(), "iss": client_id, "sub": client_id, "jti": uuid::Uuid::new_v4().to_string(),
        "nbf": now, "iat": now, "exp": now + LIFETIME_SECS,
    });
    jsonwebtoken::encode(&header, &claims, &key).map_err(|e| e.to_string())
}
