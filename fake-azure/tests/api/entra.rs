//! Entra: discovery, token errors, client credentials, authorization code with PKCE, refresh rotation, profile.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fake_azure::{ADO_RESOURCE_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT, EntraApp, FakeAzure};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::{body, client, header};

async fn token(fake: &FakeAzure, tenant: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let r = client()
        .post(format!("{}/{tenant}/oauth2/v2.0/token", fake.entra_authority()))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    if status == 200 {
        assert_eq!(header(&r, "cache-control").unwrap(), "no-store, no-cache");
    }
    (status, body(r).await)
}

#[tokio::test]
async fn discovery_uses_the_fake_base_and_tenant() {
    let fake = FakeAzure::start().await;
    let r = client()
        .get(format!("{}/{DEFAULT_TENANT}/v2.0/.well-known/openid-configuration", fake.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let b = body(r).await;
    let base = fake.base_url();
    assert_eq!(b["issuer"], format!("{base}/{DEFAULT_TENANT}/v2.0"));
    assert_eq!(b["token_endpoint"], format!("{base}/{DEFAULT_TENANT}/oauth2/v2.0/token"));
    assert_eq!(b["authorization_endpoint"], format!("{base}/{DEFAULT_TENANT}/oauth2/v2.0/authorize"));
}

#[tokio::test]
async fn an_unknown_tenant_gets_aadsts90002() {
    let fake = FakeAzure::start().await;
    let r = client()
        .get(format!("{}/nope.onmicrosoft.com/v2.0/.well-known/openid-configuration", fake.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let b = body(r).await;
    assert_eq!(b["error"], "invalid_tenant");
    assert_eq!(b["error_codes"][0], 90002);
    assert!(
        b["error_description"].as_str().unwrap().starts_with("AADSTS90002: Tenant 'nope.onmicrosoft.com' not found.")
    );
    let (status, b) = token(&fake, "nope", &[("grant_type", "client_credentials")]).await;
    assert_eq!((status, b["error"].as_str()), (400, Some("invalid_tenant")));
}

#[tokio::test]
async fn client_credentials_and_client_errors() {
    let fake = FakeAzure::start().await;
    let scope = format!("{ADO_RESOURCE_ID}/.default");
    let (status, b) = token(
        &fake,
        DEFAULT_TENANT,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", DEFAULT_CLIENT_SECRET),
            ("scope", &scope),
        ],
    )
    .await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["token_type"], "Bearer");
    assert!(b["expires_in"].as_i64().unwrap() > 0);
    assert!(b.get("refresh_token").is_none());
    let at = b["access_token"].as_str().unwrap();
    let connection = || client().get(format!("{}/contoso/_apis/connectionData", fake.base_url())).bearer_auth(at);
    let r = connection().send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401, "the app's service principal is not a member yet");
    let refusal: serde_json::Value = r.json().await.unwrap();
    assert!(refusal["message"].as_str().unwrap_or("").starts_with("TF401444: Sign-in at least once as"), "{refusal}");
    fake.add_service_principal("contoso", DEFAULT_CLIENT_ID, fake_azure::AccessLevel::Basic);
    assert_eq!(connection().send().await.unwrap().status().as_u16(), 200);

    let (status, b) = token(
        &fake,
        DEFAULT_TENANT,
        &[("grant_type", "client_credentials"), ("client_id", "nobody"), ("client_secret", "x"), ("scope", &scope)],
    )
    .await;
    assert_eq!((status, b["error"].as_str()), (400, Some("unauthorized_client")));
    assert!(b["error_description"].as_str().unwrap().starts_with(&format!(
        "AADSTS700016: Application with identifier 'nobody' was not found in the directory '{DEFAULT_TENANT}'"
    )));
    let d = b["error_description"].as_str().unwrap();
    assert!(d.contains("\r\nTrace ID: ") && d.contains("\r\nCorrelation ID: ") && d.contains("\r\nTimestamp: "));
    assert!(b["trace_id"].is_string() && b["correlation_id"].is_string() && b["timestamp"].is_string());
    assert!(b["error_uri"].as_str().unwrap().ends_with("/error?code=700016"));

    let (status, b) = token(
        &fake,
        DEFAULT_TENANT,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", "wrong"),
            ("scope", &scope),
        ],
    )
    .await;
    assert_eq!((status, b["error"].as_str()), (401, Some("invalid_client")));
    assert_eq!(b["error_codes"][0], 7000215);

    fake.add_entra_app(
        DEFAULT_TENANT,
        EntraApp { client_id: "old-app".into(), client_secret: "s".into(), secret_expired: true },
    );
    let r = client()
        .post(format!("{}/{DEFAULT_TENANT}/oauth2/v2.0/token", fake.base_url()))
        .basic_auth("old-app", Some("s"))
        .form(&[("grant_type", "client_credentials"), ("scope", scope.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(body(r).await["error_codes"][0], 7000222);
}

#[tokio::test]
async fn authorization_code_with_pkce_then_refresh_rotation() {
    let fake = FakeAzure::start().await;
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let redirect = "http://127.0.0.1:9/oauth/azure-devops/callback";
    let scope = format!("{ADO_RESOURCE_ID}/vso.code_write {ADO_RESOURCE_ID}/vso.project offline_access openid");
    let r = client()
        .get(format!("{}/{DEFAULT_TENANT}/oauth2/v2.0/authorize", fake.base_url()))
        .query(&[
            ("client_id", DEFAULT_CLIENT_ID),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("scope", &scope),
            ("state", "st4te"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 302);
    let location = url::Url::parse(&header(&r, "location").unwrap()).unwrap();
    assert!(location.as_str().starts_with(redirect));
    let q: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    let code = q.iter().find(|(k, _)| k == "code").unwrap().1.clone();
    assert!(q.contains(&("state".into(), "st4te".into())));

    let form = |verifier: &'static str| {
        vec![
            ("grant_type", "authorization_code".to_string()),
            ("client_id", DEFAULT_CLIENT_ID.into()),
            ("client_secret", DEFAULT_CLIENT_SECRET.into()),
            ("code", code.clone()),
            ("redirect_uri", redirect.into()),
            ("code_verifier", verifier.into()),
        ]
    };
    let send = |f: Vec<(&'static str, String)>| {
        client().post(format!("{}/{DEFAULT_TENANT}/oauth2/v2.0/token", fake.base_url())).form(&f).send()
    };
    let r = send(form("wrong-verifier-wrong-verifier-wrong-verifier")).await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(body(r).await["error"], "invalid_grant");
    let r = send(form(verifier)).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let b = body(r).await;
    assert!(b["id_token"].is_string());
    assert!(b["scope"].as_str().unwrap().contains(&format!("{ADO_RESOURCE_ID}/vso.code_write")));
    let rt1 = b["refresh_token"].as_str().unwrap().to_string();
    let at = b["access_token"].as_str().unwrap().to_string();
    let r = send(form(verifier)).await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(body(r).await["error_codes"][0], 54005);

    let me = client()
        .get(format!("{}/_apis/profile/profiles/me?api-version=7.1", fake.profile_url()))
        .bearer_auth(&at)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status().as_u16(), 401, "no vso.profile scope");
    let r = client().get(format!("{}/contoso/_apis/projects", fake.base_url())).bearer_auth(&at).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);

    let refresh = |rt: String| {
        vec![
            ("grant_type", "refresh_token".to_string()),
            ("client_id", DEFAULT_CLIENT_ID.into()),
            ("client_secret", DEFAULT_CLIENT_SECRET.into()),
            ("refresh_token", rt),
        ]
    };
    let b = body(send(refresh(rt1.clone())).await.unwrap()).await;
    let rt2 = b["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(rt1, rt2);
    let r = send(refresh(rt1)).await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let b = body(r).await;
    assert_eq!(b["error"], "invalid_grant");
    assert_eq!(b["error_codes"][0], 70008);
    assert_eq!(send(refresh(rt2)).await.unwrap().status().as_u16(), 200);
}

#[tokio::test]
async fn a_denied_authorization_redirects_with_the_error() {
    let fake = FakeAzure::start().await;
    fake.deny_next_authorization("access_denied");
    let r = client()
        .get(format!("{}/{DEFAULT_TENANT}/oauth2/v2.0/authorize", fake.base_url()))
        .query(&[
            ("client_id", DEFAULT_CLIENT_ID),
            ("response_type", "code"),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("state", "s1"),
        ])
        .send()
        .await
        .unwrap();
    let location = header(&r, "location").unwrap();
    assert!(location.starts_with("http://127.0.0.1:9/cb?error=access_denied&"), "{location}");
    assert!(location.ends_with("&state=s1"));
}

#[tokio::test]
async fn the_profile_answers_for_a_global_pat_user() {
    let fake = FakeAzure::start().await;
    fake.add_pat("contoso", "global-pat", fake_azure::Pat::global(fake_azure::User::dana()));
    let r =
        crate::support::get_as(&fake, "/_apis/profile/profiles/me?api-version=7.1", "global-pat").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let b = body(r).await;
    assert_eq!(b["displayName"], "Dana Kim");
    assert_eq!(b["emailAddress"], "dana@contoso.com");
    assert_eq!(b["id"], "5f1c2a9e-7b3d-6c44-9a21-0e8f4b6d2c11");
}
