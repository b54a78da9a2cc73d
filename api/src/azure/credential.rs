//! How a request authenticates: a PAT, an Entra bearer token, or nothing.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::error::AzureError;

/// How a request authenticates. `Debug` never shows the secret.
#[derive(Clone, Debug)]
pub enum Credential {
    /// Personal access token: `Authorization: Basic base64(":" + pat)`.
    Pat(SecretString),
    /// Entra ID access token: `Authorization: Bearer <token>`.
    Bearer(SecretString),
    /// Anonymous.
    None,
}

impl Credential {
    /// The credential a stored or pasted secret stands for: `Bearer` only for a JWT (three
    /// base64url segments, the first a JSON header), else a PAT sent as Basic. Never guessed from
    /// the length: PATs are 52 or 84 characters (docs/azure-devops-wire.md §2.1, §7).
    pub fn from_secret(secret: SecretString) -> Credential {
        if is_jwt(secret.expose_secret()) { Credential::Bearer(secret) } else { Credential::Pat(secret) }
    }

    /// The `Authorization` header value, marked sensitive so it is never logged by the stack.
    pub(super) fn header(&self) -> Result<Option<HeaderValue>, AzureError> {
        let text = match self {
            Credential::Pat(pat) => {
                let basic = Zeroizing::new(format!(":{}", pat.expose_secret()));
                Zeroizing::new(format!("Basic {}", BASE64.encode(basic.as_bytes())))
            }
            Credential::Bearer(token) => Zeroizing::new(format!("Bearer {}", token.expose_secret())),
            Credential::None => return Ok(None),
        };
        let mut value = HeaderValue::from_str(&text).map_err(|_| AzureError::InvalidCredential)?;
        value.set_sensitive(true);
        Ok(Some(value))
    }
}

/// Three non-empty base64url segments whose first decodes to a JSON object with `alg`.
pub fn is_jwt(token: &str) -> bool {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = token.trim().split('.').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        return false;
    }
    let Ok(header) = URL_SAFE_NO_PAD.decode(parts[0].trim_end_matches('=')) else { return false };
    serde_json::from_slice::<serde_json::Value>(&header).is_ok_and(|h| h.get("alg").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as URL_SAFE;

    #[test]
    fn a_pat_becomes_basic_auth_with_an_empty_user() {
        let header = Credential::Pat(SecretString::from("s3cr3tpat")).header().unwrap().unwrap();
        assert_eq!(header.to_str().unwrap(), "Basic OnMzY3IzdHBhdA==");
        assert!(header.is_sensitive());
        let bearer = Credential::Bearer(SecretString::from("eyJ0")).header().unwrap().unwrap();
        assert_eq!(bearer.to_str().unwrap(), "Bearer eyJ0");
        assert!(Credential::None.header().unwrap().is_none());
    }

    #[test]
    fn the_kind_of_a_secret_comes_from_its_form_never_its_length() {
        let new_pat = format!("{}AZDO{}", "a".repeat(76), "b".repeat(4));
        assert_eq!(new_pat.len(), 84);
        for pat in ["q7ye3mzk5tlwa2rn6hxd4cpfo3vub7gsj2ki5nwe6ytla4rhmzcq", new_pat.as_str(), "a.b.c", "x.y"] {
            assert!(matches!(Credential::from_secret(SecretString::from(pat)), Credential::Pat(_)), "{pat}");
        }
        let header = URL_SAFE.encode(br#"{"typ":"JWT","alg":"RS256"}"#);
        let jwt = format!("{header}.eyJhdWQiOiJ4In0.c2ln");
        assert!(matches!(Credential::from_secret(SecretString::from(jwt)), Credential::Bearer(_)));
    }

    #[test]
    fn a_credential_with_a_newline_is_refused_without_echoing_it() {
        let error = Credential::Bearer(SecretString::from("abc\ndef")).header().unwrap_err();
        assert_eq!(error, AzureError::InvalidCredential);
        assert!(!error.to_string().contains("abc"));
        assert!(!format!("{:?}", Credential::Pat(SecretString::from("hunter2"))).contains("hunter2"));
    }
}
