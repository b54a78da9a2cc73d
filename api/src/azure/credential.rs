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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_credential_with_a_newline_is_refused_without_echoing_it() {
        let error = Credential::Bearer(SecretString::from("abc\ndef")).header().unwrap_err();
        assert_eq!(error, AzureError::InvalidCredential);
        assert!(!error.to_string().contains("abc"));
        assert!(!format!("{:?}", Credential::Pat(SecretString::from("hunter2"))).contains("hunter2"));
    }
}
