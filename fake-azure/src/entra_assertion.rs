//! Client assertions (`private_key_jwt`) checked as Entra ID does (docs/azure-devops-wire.md
//! §6.3; federated assertions, without a thumbprint, go to `entra_federation.rs`): the certificate named by `x5t#S256` (or the older SHA-1 `x5t`) must be one uploaded to the
//! app, the signature (PS256 or RS256) must verify with its key, `aud` must be the token
//! endpoint, `iss` and `sub` the client id, and the assertion must not have expired. Refusals use
//! the documented AADSTS700027 text where there is one; the others' numbers are the fake's guess.

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::der::{DecodePem, Encode};

use crate::FakeAzure;
use crate::state::World;

/// `client_assertion_type` of a JWT assertion.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

type Refusal = (StatusCode, &'static str, u32, String);

fn refuse(code: u32, message: String) -> Refusal {
    (StatusCode::UNAUTHORIZED, "invalid_client", code, message)
}

/// The certificate's SHA-256 thumbprint (base64url) and its RSA public key.
fn parse(pem: &str) -> Option<(String, DecodingKey)> {
    let cert = Certificate::from_pem(pem.as_bytes()).ok()?;
    let der = cert.to_der().ok()?;
    let key =
        DecodingKey::from_rsa_der(cert.tbs_certificate().subject_public_key_info().subject_public_key.raw_bytes());
    Some((URL_SAFE_NO_PAD.encode(Sha256::digest(&der)), key))
}

pub fn check(
    world: &World,
    client_id: &str,
    assertion: &str,
    kind: Option<&str>,
    audience: &str,
    issuer_jwks: Option<&serde_json::Value>,
) -> Result<(), Refusal> {
    if kind != Some(JWT_BEARER) {
        return Err((
            StatusCode::BAD_REQUEST,
            "invalid_request",
            50027,
            "AADSTS50027: JWT token is invalid or malformed (client_assertion_type must be jwt-bearer).".into(),
        ));
    }
    let malformed = || refuse(50027, "AADSTS50027: JWT token is invalid or malformed.".into());
    let header = jsonwebtoken::decode_header(assertion).map_err(|_| malformed())?;
    if !matches!(header.alg, Algorithm::PS256 | Algorithm::RS256) {
        return Err(malformed());
    }
    if header.x5t_s256.is_none() && header.x5t.is_none() {
        return crate::entra_federation::check(world, client_id, assertion, &header, issuer_jwks);
    }
    let thumbprint = header.x5t_s256.clone().or(header.x5t.clone()).unwrap_or_default();
    let registered = world.app_certificates.get(&client_id.to_ascii_lowercase()).cloned().unwrap_or_default();
    let Some(key) = registered.iter().filter_map(|pem| parse(pem)).find(|(t, _)| *t == thumbprint).map(|(_, k)| k)
    else {
        return Err(refuse(
            700027,
            format!(
                "AADSTS700027: Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '{thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{client_id}'.]"
            ),
        ));
    };
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[client_id]);
    validation.sub = Some(client_id.to_owned());
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    validation.leeway = 0;
    match jsonwebtoken::decode::<serde_json::Value>(assertion, &key, &validation) {
        Ok(_) => Ok(()),
        Err(e) => Err(match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => {
                refuse(700027, "AADSTS700027: Client assertion failed signature validation.".into())
            }
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                refuse(700024, "AADSTS700024: Client assertion is not within its valid time range.".into())
            }
            _ => refuse(
                700023,
                format!("AADSTS700023: Client assertion audience, issuer or subject claim does not match: {e}."),
            ),
        }),
    }
}

impl FakeAzure {
    /// Uploads a certificate (PEM, public part) as a credential of app `client_id`.
    pub fn add_app_certificate(&self, client_id: &str, certificate_pem: &str) {
        let mut world = self.shared().lock();
        world.app_certificates.entry(client_id.to_ascii_lowercase()).or_default().push(certificate_pem.to_owned());
    }

    /// Removes every certificate of app `client_id`.
    pub fn remove_app_certificates(&self, client_id: &str) {
        self.shared().lock().app_certificates.remove(&client_id.to_ascii_lowercase());
    }
}
