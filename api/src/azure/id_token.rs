//! The ID token of a user's sign-in, checked as OpenID Connect Core §3.1.3.7 asks: an RS256
//! signature under a key of the tenant's JWKS (`jwks_uri` of its discovery document), `iss` the
//! tenant's issuer, `aud` our client id, `tid` the tenant of that issuer, not expired, and the
//! `nonce` this sign-in sent (docs/azure-devops-wire.md §5.2, §5.4).
//!
//! Discovery documents and key sets are cached per discovery URL for a day (Entra serves them with
//! `max-age=86400`); a token signed with a key id the cache lacks re-reads them, at most once a
//! minute, since Entra rolls its signing keys.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use moka::future::Cache;
use serde::Deserialize;
use url::Url;

use super::client::{AzureClient, Call, Credential};
use super::error::AzureError;
use super::wire::OpenIdConfiguration;
use crate::domain::entra_account::EntraAccount;

/// A key set younger than this is not re-read for an unknown key id.
const REFETCH_AFTER: Duration = Duration::from_secs(60);
/// Clock skew allowed on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 300;

/// What the sign-in expects of its ID token.
pub struct Expected<'a> {
    /// `{issuer}/.well-known/openid-configuration` of the OAuth app's tenant.
    pub discovery_url: &'a Url,
    pub client_id: &'a str,
    /// Whether the token's `nonce` is the one this sign-in sent.
    pub nonce_matches: &'a (dyn Fn(&str) -> bool + Sync),
}

/// Why an ID token was refused. Says which check failed, never the token.
#[derive(Debug, thiserror::Error)]
pub enum IdTokenError {
    #[error("no id_token came back although the sign-in asked for openid")]
    Absent,
    #[error("the id_token is not a signed JWT ({0})")]
    Malformed(String),
    #[error("the id_token is signed with a key the tenant does not publish")]
    UnknownKey,
    #[error("the id_token's signature does not verify")]
    BadSignature,
    #[error("the id_token has expired")]
    Expired,
    #[error("the id_token's {0} is not this sign-in's")]
    Claim(&'static str),
    #[error("the tenant's signing keys could not be read: {0}")]
    Keys(AzureError),
}

/// A tenant's issuer and RSA signing keys by key id.
struct TenantKeys {
    issuer: String,
    keys: HashMap<String, DecodingKey>,
    fetched: Instant,
}

/// Discovery documents and key sets by discovery URL.
#[derive(Clone)]
pub struct SigningKeyCache(Cache<String, Arc<TenantKeys>>);

impl Default for SigningKeyCache {
    fn default() -> Self {
        SigningKeyCache(Cache::builder().max_capacity(1_000).time_to_live(Duration::from_secs(86_400)).build())
    }
}

impl std::fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeyCache").field("tenants", &self.0.entry_count()).finish()
    }
}

#[derive(Deserialize)]
struct Jwks {
    #[serde(default)]
    keys: Vec<Jwk>,
}

#[derive(Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    #[serde(rename = "use")]
    usage: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    oid: Option<String>,
    tid: Option<String>,
    nonce: Option<String>,
}

/// The account the ID token names, once every check passed.
pub async fn check(
    client: &AzureClient,
    id_token: Option<&str>,
    expected: Expected<'_>,
) -> Result<EntraAccount, IdTokenError> {
    let token = id_token.filter(|t| !t.is_empty()).ok_or(IdTokenError::Absent)?;
    let header = jsonwebtoken::decode_header(token).map_err(|e| IdTokenError::Malformed(e.to_string()))?;
    if header.alg != Algorithm::RS256 {
        return Err(IdTokenError::Claim("alg"));
    }
    let kid = header.kid.ok_or(IdTokenError::UnknownKey)?;
    let cache = &client.signing_keys().0;
    let key_url = expected.discovery_url.to_string();
    let mut tenant = match cache.get(&key_url).await {
        Some(known) => known,
        None => fetch(client, expected.discovery_url, cache).await?,
    };
    if !tenant.keys.contains_key(&kid) && tenant.fetched.elapsed() >= REFETCH_AFTER {
        tenant = fetch(client, expected.discovery_url, cache).await?;
    }
    let key = tenant.keys.get(&kid).ok_or(IdTokenError::UnknownKey)?;
    let claims = verify(token, key, &tenant.issuer, expected.client_id)?;
    let tid = claims.tid.map(|t| t.to_ascii_lowercase()).ok_or(IdTokenError::Claim("tid"))?;
    if issuer_tenant(&tenant.issuer).as_deref() != Some(tid.as_str()) {
        return Err(IdTokenError::Claim("tid"));
    }
    if !claims.nonce.as_deref().is_some_and(expected.nonce_matches) {
        return Err(IdTokenError::Claim("nonce"));
    }
    let object_id = claims.oid.filter(|o| !o.is_empty()).ok_or(IdTokenError::Claim("oid"))?;
    Ok(EntraAccount { object_id: object_id.to_ascii_lowercase(), tenant_id: tid })
}

fn verify(token: &str, key: &DecodingKey, issuer: &str, client_id: &str) -> Result<Claims, IdTokenError> {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[client_id]);
    validation.set_issuer(&[issuer]);
    validation.set_required_spec_claims(&["exp", "aud", "iss"]);
    validation.validate_nbf = true;
    validation.leeway = LEEWAY_SECS;
    jsonwebtoken::decode::<Claims>(token, key, &validation).map(|data| data.claims).map_err(|e| match e.kind() {
        ErrorKind::InvalidSignature => IdTokenError::BadSignature,
        ErrorKind::ExpiredSignature => IdTokenError::Expired,
        ErrorKind::InvalidAudience => IdTokenError::Claim("aud"),
        ErrorKind::InvalidIssuer => IdTokenError::Claim("iss"),
        ErrorKind::ImmatureSignature => IdTokenError::Claim("nbf"),
        ErrorKind::InvalidAlgorithm => IdTokenError::Claim("alg"),
        ErrorKind::MissingRequiredClaim(_) => IdTokenError::Claim("exp, aud or iss"),
        _ => IdTokenError::Malformed(e.to_string()),
    })
}

/// Reads the discovery document and its key set, and caches them.
async fn fetch(
    client: &AzureClient,
    discovery_url: &Url,
    cache: &Cache<String, Arc<TenantKeys>>,
) -> Result<Arc<TenantKeys>, IdTokenError> {
    let anonymous = Credential::None;
    let discovery: OpenIdConfiguration = client
        .send(Call::get(discovery_url.clone(), &anonymous))
        .await
        .and_then(|r| r.json())
        .map_err(IdTokenError::Keys)?;
    let missing = |what: &str| {
        IdTokenError::Keys(AzureError::InvalidResponse { reason: format!("the discovery document has no {what}") })
    };
    let issuer = discovery.issuer.ok_or_else(|| missing("issuer"))?;
    let jwks_uri = discovery.jwks_uri.as_deref().and_then(|u| Url::parse(u).ok()).ok_or_else(|| missing("jwks_uri"))?;
    let jwks: Jwks =
        client.send(Call::get(jwks_uri, &anonymous)).await.and_then(|r| r.json()).map_err(IdTokenError::Keys)?;
    let keys = jwks
        .keys
        .into_iter()
        .filter(|k| k.kty == "RSA" && k.usage.as_deref().is_none_or(|u| u == "sig"))
        .filter_map(|k| {
            let key = DecodingKey::from_rsa_components(k.n.as_deref()?, k.e.as_deref()?).ok()?;
            Some((k.kid?, key))
        })
        .collect();
    let tenant = Arc::new(TenantKeys { issuer, keys, fetched: Instant::now() });
    cache.insert(discovery_url.to_string(), tenant.clone()).await;
    Ok(tenant)
}

/// The tenant GUID an Entra issuer names (`https://login.microsoftonline.com/{tid}/v2.0`), lower-case.
pub fn issuer_tenant(issuer: &str) -> Option<String> {
    let url = Url::parse(issuer).ok()?;
    let segment = url.path_segments()?.find(|s| !s.is_empty())?;
    uuid::Uuid::try_parse(segment).ok().filter(|_| segment.len() == 36).map(|id| id.hyphenated().to_string())
}
