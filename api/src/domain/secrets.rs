//! Secret inputs: personal access tokens, webhook passwords, OAuth client secrets.
//!
//! Each wraps a `secrecy::SecretString` (zeroized on drop, `Debug` redacted) and offers a
//! `hint()` for display. Values are checked, never trimmed: a token pasted with a trailing line
//! break is refused with a hint rather than silently altered.

use std::fmt;

use rand::Rng as _;
use rand::distributions::Alphanumeric;
use rand::rngs::OsRng;
use secrecy::{ExposeSecret as _, SecretString};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use super::error::InvalidInput;

/// Text a secret can be parsed from: plain strings, or input already wrapped as a secret by the
/// GraphQL layer (so the value is never held in a plain `String` longer than needed).
pub trait SecretInput {
    /// The text to check.
    fn secret_text(&self) -> &str;
}

impl SecretInput for str {
    fn secret_text(&self) -> &str {
        self
    }
}

impl SecretInput for String {
    fn secret_text(&self) -> &str {
        self
    }
}

impl SecretInput for SecretString {
    fn secret_text(&self) -> &str {
        self.expose_secret()
    }
}

/// Secrets shorter than this get an empty hint, so the hint never gives away most of the secret.
const MIN_LEN_FOR_HINT: usize = 12;
/// Length of a generated webhook password.
pub const GENERATED_WEBHOOK_PASSWORD_LEN: usize = 40;

/// The last 4 characters, for "ends in …abcd" displays; empty for short secrets.
fn hint_of(secret: &str) -> String {
    let count = secret.chars().count();
    if count < MIN_LEN_FOR_HINT {
        return String::new();
    }
    secret.chars().skip(count - 4).collect()
}

/// Checks common to every secret: present, within `max` characters, no surrounding whitespace.
fn check_common(field: &str, input: &str, what: &str, max: usize) -> Result<(), InvalidInput> {
    if input.is_empty() {
        return Err(InvalidInput::new(field, "is empty").with_hint(format!("paste the {what}")));
    }
    if input.trim() != input {
        return Err(InvalidInput::new(field, "starts or ends with whitespace")
            .with_hint(format!("paste the {what} without spaces or line breaks around it")));
    }
    if input.chars().count() > max {
        return Err(InvalidInput::new(field, format!("is longer than {max} characters"))
            .with_hint(format!("check that you pasted only the {what}")));
    }
    Ok(())
}

/// Writes `Name([REDACTED])`: the value never reaches a log line through `{:?}`.
macro_rules! redacted_debug {
    ($name:ident) => {
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([REDACTED])"))
            }
        }
    };
}

/// An Azure DevOps personal access token: 1–1024 printable ASCII characters, no spaces.
#[derive(Clone)]
pub struct PersonalAccessToken(SecretString);
redacted_debug!(PersonalAccessToken);

impl PersonalAccessToken {
    /// Parses the `personalAccessToken` input field.
    pub fn parse<S: SecretInput + ?Sized>(input: &S) -> Result<PersonalAccessToken, InvalidInput> {
        PersonalAccessToken::parse_field("personalAccessToken", input)
    }

    /// Parses a token sent in another field, such as `token` of `setPersonalAccessToken`.
    pub fn parse_field<S: SecretInput + ?Sized>(field: &str, input: &S) -> Result<PersonalAccessToken, InvalidInput> {
        let input = input.secret_text();
        check_common(field, input, "personal access token", 1024)?;
        if !input.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidInput::new(field, "contains spaces or characters a token never has")
                .with_hint("copy the token again from the Personal Access Tokens page"));
        }
        Ok(PersonalAccessToken(SecretString::from(input)))
    }

    /// Wraps a token opened from storage, where it was checked on the way in.
    pub fn from_stored(secret: SecretString) -> PersonalAccessToken {
        PersonalAccessToken(secret)
    }

    /// The token, for the Authorization header and for sealing.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The token as a secret, for code that keeps it wrapped.
    pub fn secret(&self) -> &SecretString {
        &self.0
    }

    /// The last 4 characters (empty for short values).
    pub fn hint(&self) -> String {
        hint_of(self.expose())
    }
}

/// The password Azure DevOps sends in HTTP Basic auth with each Service Hook delivery:
/// 16–256 printable ASCII characters without spaces (colons are fine: the username comes first).
#[derive(Clone)]
pub struct WebhookPassword(SecretString);
redacted_debug!(WebhookPassword);

impl WebhookPassword {
    /// Parses the `webhookPassword` input field.
    pub fn parse<S: SecretInput + ?Sized>(input: &S) -> Result<WebhookPassword, InvalidInput> {
        let input = input.secret_text();
        const FIELD: &str = "webhookPassword";
        let hint = "use 16 to 256 printable ASCII characters without spaces, or omit it to have one generated";
        check_common(FIELD, input, "password", 256)?;
        if input.chars().count() < 16 {
            return Err(InvalidInput::new(FIELD, "is shorter than 16 characters").with_hint(hint));
        }
        // ASCII only: Basic auth has no agreed encoding for other characters.
        if !input.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidInput::new(FIELD, "contains spaces or non-ASCII characters").with_hint(hint));
        }
        Ok(WebhookPassword(SecretString::from(input)))
    }

    /// A fresh password of 40 random letters and digits (about 238 bits) from the OS generator.
    pub fn generate() -> WebhookPassword {
        let mut text = Zeroizing::new(String::with_capacity(GENERATED_WEBHOOK_PASSWORD_LEN));
        for byte in OsRng.sample_iter(Alphanumeric).take(GENERATED_WEBHOOK_PASSWORD_LEN) {
            text.push(char::from(byte));
        }
        WebhookPassword(SecretString::from(text.as_str()))
    }

    /// Wraps a password opened from storage.
    pub fn from_stored(secret: SecretString) -> WebhookPassword {
        WebhookPassword(secret)
    }

    /// The password, for the one-time display, the Service Hook subscription and sealing.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The password as a secret, for code that keeps it wrapped.
    pub fn secret(&self) -> &SecretString {
        &self.0
    }

    /// The last 4 characters (empty for short values).
    pub fn hint(&self) -> String {
        hint_of(self.expose())
    }

    /// Compares a delivered password in constant time (only the length may leak).
    pub fn verify(&self, candidate: &str) -> bool {
        self.expose().as_bytes().ct_eq(candidate.as_bytes()).into()
    }
}

/// An Entra ID application's client secret: 1–1024 characters, no control characters.
#[derive(Clone)]
pub struct ClientSecret(SecretString);
redacted_debug!(ClientSecret);

impl ClientSecret {
    /// Parses the `oauthApp.clientSecret` input field.
    pub fn parse<S: SecretInput + ?Sized>(input: &S) -> Result<ClientSecret, InvalidInput> {
        let input = input.secret_text();
        const FIELD: &str = "oauthApp.clientSecret";
        check_common(FIELD, input, "client secret value (not its ID)", 1024)?;
        if input.chars().any(char::is_control) {
            return Err(InvalidInput::new(FIELD, "contains a control character")
                .with_hint("copy the secret's Value from Certificates & secrets again"));
        }
        Ok(ClientSecret(SecretString::from(input)))
    }

    /// Wraps a secret opened from storage.
    pub fn from_stored(secret: SecretString) -> ClientSecret {
        ClientSecret(secret)
    }

    /// The secret, for the token request and for sealing.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The secret, still wrapped.
    pub fn secret(&self) -> &SecretString {
        &self.0
    }

    /// The last 4 characters (empty for short values).
    pub fn hint(&self) -> String {
        hint_of(self.expose())
    }
}

#[cfg(test)]
mod tests {
    //! Tests of secret inputs: parsing, hints, redaction, generation, constant-time checks.

    use super::*;

    const PAT: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP";

    #[test]
    fn a_token_is_kept_exactly_and_hinted_by_its_last_four_characters() {
        let pat = PersonalAccessToken::parse(PAT).unwrap();
        assert_eq!(pat.expose(), PAT);
        assert_eq!(pat.hint(), "MNOP");
        assert_eq!(format!("{pat:?}"), "PersonalAccessToken([REDACTED])");
    }

    #[test]
    fn bad_tokens_are_refused_without_echoing_them() {
        let long = "t".repeat(1025);
        for bad in ["", " abc", "abc\n", "ab cd", "tök", "a\u{7}b", long.as_str()] {
            let err = PersonalAccessToken::parse(bad).unwrap_err();
            assert_eq!(err.field, "personalAccessToken", "{bad:?}");
            assert!(err.hint.is_some());
            if !bad.trim().is_empty() {
                assert!(!err.to_string().contains(bad.trim()), "{bad:?} echoed");
            }
        }
        assert_eq!(PersonalAccessToken::parse_field("token", "").unwrap_err().field, "token");
    }

    #[test]
    fn secrets_parse_from_plain_or_wrapped_text() {
        let wrapped = SecretString::from(PAT);
        let pat = PersonalAccessToken::parse(&wrapped).unwrap();
        assert_eq!(pat.secret().expose_secret(), PAT);
        assert_eq!(PersonalAccessToken::parse(&PAT.to_owned()).unwrap().expose(), PAT);
        let password = WebhookPassword::parse(&SecretString::from("0123456789abcdef")).unwrap();
        assert_eq!(password.secret().expose_secret(), "0123456789abcdef");
        assert_eq!(ClientSecret::parse(&wrapped).unwrap().secret().expose_secret(), PAT);
    }

    #[test]
    fn short_secrets_get_no_hint() {
        assert_eq!(PersonalAccessToken::parse("abcd").unwrap().hint(), "");
        assert_eq!(ClientSecret::parse("short").unwrap().hint(), "");
    }

    #[test]
    fn webhook_passwords_are_16_to_256_printable_ascii_characters() {
        assert!(WebhookPassword::parse("0123456789abcde:").is_ok());
        assert!(WebhookPassword::parse(&"p".repeat(256)).is_ok());
        for bad in
            ["", "0123456789abcde", "0123456789 abcdef", "0123456789abcdéf", " 0123456789abcdef", &"p".repeat(257)]
        {
            assert_eq!(WebhookPassword::parse(bad).unwrap_err().field, "webhookPassword", "{bad:?}");
        }
    }

    #[test]
    fn generated_webhook_passwords_are_long_random_and_alphanumeric() {
        let a = WebhookPassword::generate();
        let b = WebhookPassword::generate();
        assert_eq!(a.expose().len(), 40);
        assert!(a.expose().bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a.expose(), b.expose());
        assert!(WebhookPassword::parse(a.expose()).is_ok());
        assert_eq!(a.hint().len(), 4);
    }

    #[test]
    fn webhook_passwords_verify_exactly() {
        let password = WebhookPassword::parse("correct-horse-battery").unwrap();
        assert!(password.verify("correct-horse-battery"));
        assert!(!password.verify("correct-horse-batterY"));
        assert!(!password.verify("correct-horse-battery "));
        assert!(!password.verify(""));
    }

    #[test]
    fn client_secrets_allow_symbols_but_not_surrounding_whitespace() {
        let secret = ClientSecret::parse("Ab8Q~x.y_z-0123456789abcdefghijkLMNO").unwrap();
        assert_eq!(secret.hint(), "LMNO");
        assert_eq!(format!("{secret:?}"), "ClientSecret([REDACTED])");
        for bad in ["", " s3cret", "s3cret\n", "a\u{0}b"] {
            assert_eq!(ClientSecret::parse(bad).unwrap_err().field, "oauthApp.clientSecret", "{bad:?}");
        }
    }
}
