//! Verification of an Entra ID OAuth app (discovery + client credentials) against fake-azure.

use fake_azure::{
    Behaviour, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_ORG, DEFAULT_PAT, DEFAULT_TENANT, EntraApp, FakeAzure,
};
use url::Url;

use super::{check, client, oauth_app, oauth_only, pat_target};
use crate::azure::{CheckName, VerificationCode, verify};
use crate::domain::flavor::Flavor;

#[tokio::test]
async fn a_valid_oauth_app_alone_verifies_and_the_org_is_reached_anonymously() {
    let fake = FakeAzure::start().await;
    let target = oauth_only(&fake, DEFAULT_TENANT, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);

    let v = verify(&client(), &target).await;

    assert!(v.ok, "{v:#?}");
    assert_eq!(v.code, VerificationCode::Ok);
    assert!(check(&v, CheckName::OrganizationReachable).ok);
    assert!(check(&v, CheckName::OauthAppValid).ok);
    assert_eq!(v.authenticated_as, None);
    let requests = fake.requests();
    let connection = requests.iter().find(|r| r.path.ends_with("/_apis/connectionData")).unwrap();
    assert_eq!(connection.header("authorization"), None);
    let token = requests.iter().find(|r| r.path.ends_with("/oauth2/v2.0/token")).unwrap();
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&token.body).into_owned().collect();
    let field = |k: &str| form.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
    assert_eq!(field("grant_type"), Some("client_credentials"));
    assert_eq!(field("scope"), Some("499b84ac-1321-427f-aa17-267ca6975798/.default"));
    assert_eq!(field("client_id"), Some(DEFAULT_CLIENT_ID));
}

#[tokio::test]
async fn a_pat_and_an_oauth_app_verify_together() {
    let fake = FakeAzure::start().await;
    let mut target = pat_target(&fake, DEFAULT_ORG, Flavor::Services, DEFAULT_PAT);
    target.oauth = Some(oauth_app(&fake, DEFAULT_TENANT, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET));

    let v = verify(&client(), &target).await;

    assert!(v.ok, "{v:#?}");
    assert_eq!(v.message, "Verified as dana@contoso.com; 2 projects visible. The OAuth app is valid.");
}

#[tokio::test]
async fn a_wrong_client_secret_is_oauth_invalid_client() {
    let fake = FakeAzure::start().await;
    let target = oauth_only(&fake, DEFAULT_TENANT, DEFAULT_CLIENT_ID, "the-secret-id-not-its-value");

    let v = verify(&client(), &target).await;

    assert_eq!(v.code, VerificationCode::OauthInvalidClient, "{v:#?}");
    assert!(v.message.contains("AADSTS7000215"), "{}", v.message);
    assert!(v.hint.clone().unwrap().contains("Value, not its Secret ID"));
    assert!(!format!("{v:?}").contains("the-secret-id-not-its-value"));
}

#[tokio::test]
async fn an_expired_client_secret_is_oauth_invalid_client() {
    let fake = FakeAzure::start().await;
    let app = EntraApp {
        client_id: "22223333-cccc-4444-dddd-5555eeee6666".into(),
        client_secret: "old~secret".into(),
        secret_expired: true,
    };
    fake.add_entra_app(DEFAULT_TENANT, app);
    let target = oauth_only(&fake, DEFAULT_TENANT, "22223333-cccc-4444-dddd-5555eeee6666", "old~secret");

    let v = verify(&client(), &target).await;

    assert_eq!(v.code, VerificationCode::OauthInvalidClient, "{v:#?}");
    assert!(v.message.contains("expired"), "{}", v.message);
}

#[tokio::test]
async fn an_unknown_client_id_is_oauth_invalid_client() {
    let fake = FakeAzure::start().await;
    let target = oauth_only(&fake, DEFAULT_TENANT, "99999999-0000-0000-0000-000000000000", DEFAULT_CLIENT_SECRET);

    let v = verify(&client(), &target).await;

    assert_eq!(v.code, VerificationCode::OauthInvalidClient, "{v:#?}");
    assert!(v.message.contains("AADSTS700016"), "{}", v.message);
}

#[tokio::test]
async fn an_unknown_tenant_is_oauth_tenant_not_found() {
    let fake = FakeAzure::start().await;
    let target = oauth_only(&fake, "00000000-1111-2222-3333-444444444444", DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);

    let v = verify(&client(), &target).await;

    assert_eq!(v.code, VerificationCode::OauthTenantNotFound, "{v:#?}");
    assert!(v.message.contains("AADSTS90002"), "{}", v.message);
    assert!(v.hint.clone().unwrap().contains("Directory (tenant) ID"));
    assert_eq!(fake.request_count("/oauth2/v2.0/token"), 0, "no token request after a failed discovery");
}

#[tokio::test]
async fn a_throttled_entra_is_upstream_rate_limited() {
    let fake = FakeAzure::start().await;
    fake.set_behaviour(DEFAULT_TENANT, Behaviour::RateLimited { retry_after_secs: 12 });
    let target = oauth_only(&fake, DEFAULT_TENANT, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);

    let v = verify(&client(), &target).await;

    assert_eq!(v.code, VerificationCode::UpstreamRateLimited, "{v:#?}");
    assert!(v.hint.clone().unwrap().starts_with("Retry after 12 seconds"));
}

#[tokio::test]
async fn an_oauth_only_integration_of_an_unknown_org_is_organization_not_found() {
    let fake = FakeAzure::start().await;
    let mut target = oauth_only(&fake, DEFAULT_TENANT, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);
    target.org_url = Url::parse(&fake.org_url("no-such-org")).unwrap();

    let v = verify(&client(), &target).await;

    assert_eq!(v.code, VerificationCode::OrganizationNotFound, "{v:#?}");
    assert!(check(&v, CheckName::OauthAppValid).ok);
}
