//! Federated identity credentials (workload identity federation, docs/azure-devops-wire.md §6.4):
//! a client assertion from an external issuer, matched to a credential of the app by issuer,
//! subject and audience exactly, signed RS256 under a key the issuer publishes at
//! `{iss}/.well-known/openid-configuration` → `jwks_uri`. The key set is fetched before the
//! (synchronous) token endpoint runs. Entra reads issuers over public HTTPS only; the fake also
//! reads loopback `http://` issuers, the one place it is more lenient, since tests run there.

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation};
use serde_json::Value;

use crate::http::Req;
use crate::state::World;
use crate::{FakeAzure, Shared};

/// One federated credential of an app.
#[derive(Clone, Debug)]
pub struct FederatedCredential {
    pub issuer: String,
    pub subject: String,
    pub audience: String,
}

type Refusal = (StatusCode, &'static str, u32, String);

fn claims_unverified(assertion: &str) -> Option<Value> {
    let payload = assertion.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

fn readable_issuer(iss: &str) -> bool {
    let Ok(url) = url::Url::parse(iss) else { return false };
    url.scheme() == "https" || (url.scheme() == "http" && matches!(url.host_str(), Some("127.0.0.1" | "localhost")))
}

/// The issuer's key set for a token request carrying a federated assertion (no `x5t`).
pub async fn prefetch(shared: &Shared, req: &Req) -> Option<Value> {
    if req.method != axum::http::Method::POST || !req.path.to_ascii_lowercase().ends_with("/oauth2/v2.0/token") {
        return None;
    }
    let assertion = req.form().into_iter().find(|(k, _)| k == "client_assertion").map(|(_, v)| v)?;
    let header = jsonwebtoken::decode_header(&assertion).ok()?;
    if header.x5t.is_some() || header.x5t_s256.is_some() {
        return None;
    }
    let iss = claims_unverified(&assertion)?.get("iss")?.as_str()?.to_owned();
    if !readable_issuer(&iss) {
        return None;
    }
    let fronts = shared.lock().issuer_fronts.clone();
    let reach = |url: &str| {
        fronts
            .iter()
            .find_map(|(public, local)| url.strip_prefix(public.as_str()).map(|rest| format!("{local}{rest}")))
            .unwrap_or_else(|| url.to_owned())
    };
    let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build().ok()?;
    let discovery: Value =
        http.get(reach(&format!("{iss}/.well-known/openid-configuration"))).send().await.ok()?.json().await.ok()?;
    if discovery.get("issuer")?.as_str()? != iss {
        return None;
    }
    let jwks_uri = discovery.get("jwks_uri")?.as_str()?.to_owned();
    http.get(reach(&jwks_uri)).send().await.ok()?.json().await.ok()
}

fn no_match(iss: &str, sub: &str, aud: &str) -> Refusal {
    (
        StatusCode::BAD_REQUEST,
        "invalid_client",
        70021,
        format!(
            "AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '{iss}'. Assertion Subject: '{sub}'. Assertion Audience: '{aud}'."
        ),
    )
}

/// Checks a federated assertion for app `client_id` against its credentials and `jwks`.
pub fn check(
    world: &World,
    client_id: &str,
    assertion: &str,
    header: &Header,
    jwks: Option<&Value>,
) -> Result<(), Refusal> {
    let claims = claims_unverified(assertion).unwrap_or_default();
    let field = |k: &str| claims.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let (iss, sub) = (field("iss"), field("sub"));
    // `aud` is a string, or a list (Kubernetes service account tokens): one must match.
    let audiences: Vec<String> = match claims.get("aud") {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Some(Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    };
    let credentials = world.federated_credentials.get(&client_id.to_ascii_lowercase()).cloned().unwrap_or_default();
    let matched = credentials.iter().find(|c| c.issuer == iss && c.subject == sub && audiences.contains(&c.audience));
    let Some(aud) = matched.map(|c| c.audience.clone()) else {
        return Err(no_match(&iss, &sub, &audiences.join(",")));
    };
    if header.alg != Algorithm::RS256 {
        return Err((
            StatusCode::BAD_REQUEST,
            "invalid_client",
            50027,
            "AADSTS50027: JWT token is invalid or malformed: only issuers that sign with RS256 are supported.".into(),
        ));
    }
    let key = jwks
        .and_then(|k| k.get("keys"))
        .and_then(Value::as_array)
        .and_then(|keys| keys.iter().find(|k| k.get("kid").and_then(Value::as_str) == header.kid.as_deref()))
        .and_then(|k| DecodingKey::from_rsa_components(k.get("n")?.as_str()?, k.get("e")?.as_str()?).ok());
    let Some(key) = key else {
        return Err((
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            700027,
            format!(
                "AADSTS700027: Client assertion failed signature validation. [Reason - The key was not found in the issuer's key set., Issuer: '{iss}', Key id: '{}']",
                header.kid.clone().unwrap_or_default()
            ),
        ));
    };
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[aud.as_str()]);
    validation.set_issuer(&[iss.as_str()]);
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    validation.leeway = 0;
    jsonwebtoken::decode::<Value>(assertion, &key, &validation).map(|_| ()).map_err(|e| match e.kind() {
        jsonwebtoken::errors::ErrorKind::ExpiredSignature => (
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            700024,
            "AADSTS700024: Client assertion is not within its valid time range.".into(),
        ),
        _ => (
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            700027,
            "AADSTS700027: Client assertion failed signature validation.".into(),
        ),
    })
}

impl FakeAzure {
    /// Reaches issuer `public_origin` (an `https://` origin tests cannot resolve) at `local_base`,
    /// as a TLS-terminating proxy in front of the issuer would: discovery and keys are fetched
    /// there, while `iss` is still matched against `public_origin`.
    pub fn serve_issuer_behind(&self, public_origin: &str, local_base: &str) {
        let (public, local) = (public_origin.trim_end_matches('/'), local_base.trim_end_matches('/'));
        self.shared().lock().issuer_fronts.push((public.to_owned(), local.to_owned()));
    }

    /// Adds a federated identity credential to app `client_id` (as Graph's
    /// `federatedIdentityCredentials` or the portal's "Other issuer" would).
    pub fn add_federated_credential(&self, client_id: &str, issuer: &str, subject: &str, audience: &str) {
        let credential =
            FederatedCredential { issuer: issuer.into(), subject: subject.into(), audience: audience.into() };
        self.shared().lock().federated_credentials.entry(client_id.to_ascii_lowercase()).or_default().push(credential);
    }
}
