//! The key the fake's Entra ID signs ID tokens with (RS256), and the JWKS it publishes at
//! `/{tenant}/discovery/v2.0/keys` (docs/azure-devops-wire.md §5.4): `kid` and `x5t` are the
//! certificate's SHA-1 thumbprint, base64url, as in Entra's own key set. The keys in `keys/` are
//! test keys made for this fake.

use std::sync::OnceLock;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// The key id of the one signing key.
pub const KEY_ID: &str = "uFf5CHISGSTd8A5lud7Js7jFH6A";
const KEY_PEM: &str = include_str!("../keys/entra-signing-key.pem");
const MODULUS: &str = include_str!("../keys/entra-signing-modulus.b64url");
const CERTIFICATE: &str = include_str!("../keys/entra-signing-cert.b64");
const FOREIGN_KEY_PEM: &str = include_str!("../keys/foreign-key.pem");

fn key(pem: &'static str, cell: &'static OnceLock<EncodingKey>) -> &'static EncodingKey {
    cell.get_or_init(|| EncodingKey::from_rsa_pem(pem.as_bytes()).expect("fake-azure: the test signing key parses"))
}

fn signed(claims: &Value, key: &EncodingKey) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KEY_ID.to_owned());
    jsonwebtoken::encode(&header, claims, key).expect("fake-azure: RS256 signing")
}

/// `claims` as a compact JWS signed with the published key.
pub fn sign(claims: &Value) -> String {
    static KEY: OnceLock<EncodingKey> = OnceLock::new();
    signed(claims, key(KEY_PEM, &KEY))
}

/// `claims` signed with a key the JWKS does not hold, under the published key id: what a token
/// from anyone but this Entra looks like.
pub fn sign_with_foreign_key(claims: &Value) -> String {
    static KEY: OnceLock<EncodingKey> = OnceLock::new();
    signed(claims, key(FOREIGN_KEY_PEM, &KEY))
}

/// The JSON Web Key Set.
pub fn jwks() -> Value {
    json!({"keys": [{
        "kty": "RSA", "use": "sig", "kid": KEY_ID, "x5t": KEY_ID,
        "n": MODULUS.trim(), "e": "AQAB", "x5c": [CERTIFICATE.trim()],
    }]})
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};

    use super::*;

    fn published_key() -> DecodingKey {
        let jwk = &jwks()["keys"][0];
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap()).unwrap()
    }

    fn validation() -> Validation {
        let mut v = Validation::new(Algorithm::RS256);
        v.validate_aud = false;
        v.required_spec_claims.clear();
        v
    }

    #[test]
    fn a_signed_token_verifies_against_the_published_key_set() {
        let token = sign(&json!({"sub": "x"}));
        assert_eq!(decode_header(&token).unwrap().kid.as_deref(), Some(KEY_ID));
        let claims = decode::<Value>(&token, &published_key(), &validation()).unwrap().claims;
        assert_eq!(claims["sub"], "x");
    }

    #[test]
    fn a_foreign_token_does_not() {
        let token = sign_with_foreign_key(&json!({"sub": "x"}));
        assert!(decode::<Value>(&token, &published_key(), &validation()).is_err());
    }
}
