//! A certificate credential of an app registration: the X.509 certificate (its public part, the
//! one uploaded to Entra) and its RSA private key, checked to belong together. Entra finds the
//! certificate by the SHA-256 thumbprint of its DER encoding, sent as `x5t#S256`
//! (docs/azure-devops-wire.md §6.3).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::der::{DecodePem, Encode};

use super::error::InvalidInput;

/// `rsaEncryption` (RFC 8017).
const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";

/// A parsed certificate credential; `Debug` shows the thumbprint only.
#[derive(Clone)]
pub struct CertificateCredential {
    certificate_pem: String,
    private_key_pem: SecretString,
    thumbprint: String,
    not_after: DateTime<Utc>,
}

impl std::fmt::Debug for CertificateCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateCredential").field("thumbprint", &self.thumbprint).finish_non_exhaustive()
    }
}

fn invalid(field: &str, message: &str, hint: &str) -> InvalidInput {
    InvalidInput::new(field, message).with_hint(hint)
}

impl CertificateCredential {
    /// Parses `certificatePem` and `privateKeyPem` and checks the key signs what the certificate's
    /// public key verifies.
    pub fn parse(certificate_pem: &str, private_key_pem: &str) -> Result<CertificateCredential, InvalidInput> {
        const CERT: &str = "appIdentity.certificate.certificatePem";
        const KEY: &str = "appIdentity.certificate.privateKeyPem";
        let certificate = Certificate::from_pem(certificate_pem.trim().as_bytes()).map_err(|_| {
            invalid(
                CERT,
                "is not a PEM X.509 certificate",
                "paste the -----BEGIN CERTIFICATE----- block of the .pem or .cer (Base64) file",
            )
        })?;
        let der =
            certificate.to_der().map_err(|_| invalid(CERT, "cannot be encoded", "export the certificate again"))?;
        let tbs = certificate.tbs_certificate();
        let spki = tbs.subject_public_key_info();
        if spki.algorithm.oid.to_string() != RSA_ENCRYPTION {
            return Err(invalid(
                CERT,
                "does not hold an RSA key",
                "Entra client assertions are signed with RSA keys: use an RSA certificate",
            ));
        }
        let not_after_secs = tbs.validity().not_after.to_unix_duration().as_secs();
        let not_after = DateTime::from_timestamp(i64::try_from(not_after_secs).unwrap_or(i64::MAX), 0)
            .ok_or_else(|| invalid(CERT, "has an unreadable expiry", "export the certificate again"))?;
        if not_after <= Utc::now() {
            return Err(invalid(
                CERT,
                "has expired",
                "create a new certificate, upload it to the app registration and pass it here",
            ));
        }
        let key = EncodingKey::from_rsa_pem(private_key_pem.trim().as_bytes()).map_err(|_| {
            invalid(
                KEY,
                "is not a PEM RSA private key",
                "paste the unencrypted -----BEGIN PRIVATE KEY----- (or RSA PRIVATE KEY) block",
            )
        })?;
        let public = DecodingKey::from_rsa_der(spki.subject_public_key.raw_bytes());
        if !signs_for(&key, &public) {
            return Err(invalid(KEY, "does not belong to the certificate", "pass the private key of this certificate"));
        }
        Ok(CertificateCredential {
            certificate_pem: certificate_pem.trim().to_owned(),
            private_key_pem: SecretString::from(private_key_pem.trim()),
            thumbprint: URL_SAFE_NO_PAD.encode(Sha256::digest(&der)),
            not_after,
        })
    }

    /// Rebuilds a stored credential (checked when it was parsed).
    pub fn from_stored(
        certificate_pem: String,
        private_key_pem: SecretString,
        thumbprint: String,
        not_after: DateTime<Utc>,
    ) -> CertificateCredential {
        CertificateCredential { certificate_pem, private_key_pem, thumbprint, not_after }
    }

    /// The certificate, PEM (public).
    pub fn certificate_pem(&self) -> &str {
        &self.certificate_pem
    }

    /// The private key, PEM (sealed at rest).
    pub fn private_key_pem(&self) -> &SecretString {
        &self.private_key_pem
    }

    /// Base64url SHA-256 of the certificate's DER: the assertion's `x5t#S256`.
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    pub fn not_after(&self) -> DateTime<Utc> {
        self.not_after
    }
}

/// Whether `key` signs what `public` verifies (a PS256 token over nothing secret).
fn signs_for(key: &EncodingKey, public: &DecodingKey) -> bool {
    let claims = serde_json::json!({ "sub": "vcslink key check" });
    let Ok(token) = jsonwebtoken::encode(&Header::new(Algorithm::PS256), &claims, key) else { return false };
    let mut validation = Validation::new(Algorithm::PS256);
    validation.validate_aud = false;
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    jsonwebtoken::decode::<serde_json::Value>(&token, public, &validation).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = include_str!("../../../fake-azure/keys/app-identity-cert.pem");
    const KEY: &str = include_str!("../../../fake-azure/keys/app-identity-key.pem");
    const OTHER_KEY: &str = include_str!("../../../fake-azure/keys/unregistered-key.pem");

    #[test]
    fn a_certificate_and_its_key_parse_with_thumbprint_and_expiry() {
        let c = CertificateCredential::parse(CERT, KEY).unwrap();
        assert_eq!(c.thumbprint().len(), 43, "base64url of 32 bytes");
        assert!(c.not_after() > Utc::now() + chrono::Duration::days(365));
        assert!(!format!("{c:?}").contains("PRIVATE"), "Debug hides the key");
    }

    #[test]
    fn a_key_of_another_certificate_or_garbage_is_refused() {
        let other = CertificateCredential::parse(CERT, OTHER_KEY).unwrap_err();
        assert_eq!(other.field, "appIdentity.certificate.privateKeyPem");
        assert!(other.message.contains("does not belong"));
        assert_eq!(
            CertificateCredential::parse("nope", KEY).unwrap_err().field,
            "appIdentity.certificate.certificatePem"
        );
        assert_eq!(
            CertificateCredential::parse(CERT, "nope").unwrap_err().field,
            "appIdentity.certificate.privateKeyPem"
        );
    }
}
