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
    for bad in ["", "0123456789abcde", "0123456789 abcdef", "0123456789abcdéf", " 0123456789abcdef", &"p".repeat(257)]
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
