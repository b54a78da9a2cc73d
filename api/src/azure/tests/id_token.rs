//! ID token checks against the fake Entra's discovery document and key set: each claim a sign-in
//! depends on, the algorithm, the key id, and one read of the keys for many tokens.

use fake_azure::{DEFAULT_CLIENT_ID, DEFAULT_TENANT, FakeAzure, entra_keys};
use serde_json::{Value, json};

use super::{client, url};
use crate::azure::id_token::{Expected, IdTokenError, check};

const NONCE: &str = "n-0123";

type Change = Box<dyn FnOnce(&mut Value)>;

fn claims(fake: &FakeAzure) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "aud": DEFAULT_CLIENT_ID, "iss": format!("{}/{DEFAULT_TENANT}/v2.0", fake.entra_authority()),
        "iat": now, "nbf": now, "exp": now + 3600, "oid": "00000000-0000-0000-0000-0000000000aa",
        "tid": DEFAULT_TENANT, "nonce": NONCE, "ver": "2.0",
    })
}

async fn checked(fake: &FakeAzure, token: &str) -> Result<String, IdTokenError> {
    let discovery = url(&format!("{}/{DEFAULT_TENANT}/v2.0/.well-known/openid-configuration", fake.entra_authority()));
    let nonce_matches = |n: &str| n == NONCE;
    let expected = Expected { discovery_url: &discovery, client_id: DEFAULT_CLIENT_ID, nonce_matches: &nonce_matches };
    check(&client(), Some(token), expected).await.map(|a| format!("{}@{}", a.object_id, a.tenant_id))
}

fn with(fake: &FakeAzure, change: impl FnOnce(&mut Value)) -> String {
    let mut c = claims(fake);
    change(&mut c);
    entra_keys::sign(&c)
}

#[tokio::test]
async fn entras_own_token_names_the_account() {
    let fake = FakeAzure::start().await;
    let who = checked(&fake, &entra_keys::sign(&claims(&fake))).await.unwrap();
    assert_eq!(who, format!("00000000-0000-0000-0000-0000000000aa@{DEFAULT_TENANT}"));
}

#[tokio::test]
async fn every_claim_a_sign_in_depends_on_is_checked() {
    let fake = FakeAzure::start().await;
    let cases: Vec<(&str, Change)> = vec![
        ("aud", Box::new(|c| c["aud"] = json!("someone-else"))),
        ("iss", Box::new(|c| c["iss"] = json!("https://login.example/other/v2.0"))),
        ("tid", Box::new(|c| c["tid"] = json!("aaaaaaaa-0000-0000-0000-000000000000"))),
        ("nonce", Box::new(|c| c["nonce"] = json!("another sign-in"))),
        ("missing nonce", Box::new(|c| _ = c.as_object_mut().unwrap().remove("nonce"))),
        ("oid", Box::new(|c| _ = c.as_object_mut().unwrap().remove("oid"))),
        ("nbf", Box::new(|c| c["nbf"] = json!(chrono::Utc::now().timestamp() + 3600))),
    ];
    for (name, change) in cases {
        let token = with(&fake, change);
        let refused = checked(&fake, &token).await.expect_err(name);
        assert!(matches!(refused, IdTokenError::Claim(_)), "{name}: {refused:?}");
    }
    let expired = with(&fake, |c| c["exp"] = json!(chrono::Utc::now().timestamp() - 3600));
    assert!(matches!(checked(&fake, &expired).await, Err(IdTokenError::Expired)));
}

#[tokio::test]
async fn only_rs256_under_a_published_key_passes() {
    let fake = FakeAzure::start().await;
    let foreign = entra_keys::sign_with_foreign_key(&claims(&fake));
    assert!(matches!(checked(&fake, &foreign).await, Err(IdTokenError::BadSignature)));

    let hs256 = jsonwebtoken::encode(
        &jsonwebtoken::Header { kid: Some(entra_keys::KEY_ID.into()), ..Default::default() },
        &claims(&fake),
        &jsonwebtoken::EncodingKey::from_secret(b"the public modulus, say").unwrap(),
    )
    .unwrap();
    assert!(matches!(checked(&fake, &hs256).await, Err(IdTokenError::Claim("alg"))));

    let (header, rest) =
        entra_keys::sign(&claims(&fake)).split_once('.').map(|(h, r)| (h.to_owned(), r.to_owned())).unwrap();
    assert!(!header.is_empty());
    let unsigned = format!("eyJhbGciOiJub25lIn0.{}", rest.rsplit_once('.').unwrap().0);
    assert!(checked(&fake, &format!("{unsigned}.")).await.is_err(), "alg none");

    let mut other_kid = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    other_kid.kid = Some("not-published".into());
    let pem = include_str!("../../../../fake-azure/keys/entra-signing-key.pem");
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
    let unknown = jsonwebtoken::encode(&other_kid, &claims(&fake), &key).unwrap();
    assert!(matches!(checked(&fake, &unknown).await, Err(IdTokenError::UnknownKey)));
    assert!(matches!(checked(&fake, "not.a.jwt").await, Err(IdTokenError::Malformed(_))));
}

#[tokio::test]
async fn the_keys_are_read_once_for_many_tokens() {
    let fake = FakeAzure::start().await;
    let client = client();
    let discovery = url(&format!("{}/{DEFAULT_TENANT}/v2.0/.well-known/openid-configuration", fake.entra_authority()));
    let nonce_matches = |n: &str| n == NONCE;
    for _ in 0..3 {
        let expected =
            Expected { discovery_url: &discovery, client_id: DEFAULT_CLIENT_ID, nonce_matches: &nonce_matches };
        check(&client, Some(&entra_keys::sign(&claims(&fake))), expected).await.unwrap();
    }
    assert_eq!(fake.request_count("/discovery/v2.0/keys"), 1);
    assert_eq!(fake.request_count("/openid-configuration"), 1);
}
