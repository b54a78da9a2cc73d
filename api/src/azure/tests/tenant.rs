//! The organization's resource tenant, discovered from fake-azure, and the ORGANIZATION_TENANT check.

use fake_azure::{
    DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_ORG, DEFAULT_TENANT, EntraApp, FakeAzure, ServerOptions,
};
use url::Url;

use super::{check, client, oauth_only};
use crate::azure::tenant::{self, OrgTenant, TenantError};
use crate::azure::{CheckName, VerificationCode, verify};

const OTHER_TENANT: &str = "7c0d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f";

#[tokio::test]
async fn the_tenant_comes_from_one_anonymous_head_and_is_cached() {
    let fake = FakeAzure::start().await;
    let c = client();
    let org = Url::parse(&fake.org_url(DEFAULT_ORG)).unwrap();
    assert_eq!(tenant::discover(&c, &org).await.unwrap(), OrgTenant::Entra(DEFAULT_TENANT.into()));
    assert_eq!(tenant::discover(&c, &org).await.unwrap(), OrgTenant::Entra(DEFAULT_TENANT.into()));
    let heads: Vec<_> = fake.requests().into_iter().filter(|r| r.method == "HEAD").collect();
    assert_eq!(heads.len(), 1, "cached per organization");
    assert_eq!(heads[0].path, format!("/{DEFAULT_ORG}"));
    assert_eq!(heads[0].header("authorization"), None);
}

#[tokio::test]
async fn a_microsoft_account_organization_and_a_server_are_told_apart() {
    let fake = FakeAzure::start().await;
    fake.set_org_backed_by_microsoft_accounts(DEFAULT_ORG);
    let org = Url::parse(&fake.org_url(DEFAULT_ORG)).unwrap();
    assert_eq!(tenant::discover(&client(), &org).await.unwrap(), OrgTenant::MicrosoftAccounts);
    fake.add_server_collection("DefaultCollection", ServerOptions::default());
    let server = Url::parse(&fake.org_url("DefaultCollection")).unwrap();
    assert!(matches!(tenant::discover(&client(), &server).await, Err(TenantError::NotAdvertised)));
}

#[tokio::test]
async fn an_app_in_the_organizations_tenant_passes_the_tenant_check() {
    let fake = FakeAzure::start().await;
    let v = verify(&client(), &oauth_only(&fake, DEFAULT_TENANT, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)).await;
    assert!(v.ok, "{v:#?}");
    assert!(check(&v, CheckName::OrganizationTenant).ok);
}

#[tokio::test]
async fn an_app_in_another_tenant_fails_with_tenant_mismatch() {
    let fake = FakeAzure::start().await;
    let app = EntraApp {
        client_id: "33334444-dddd-5555-eeee-6666ffff7777".into(),
        client_secret: "s3cret".into(),
        secret_expired: false,
    };
    fake.add_entra_app(OTHER_TENANT, app.clone());
    let v = verify(&client(), &oauth_only(&fake, OTHER_TENANT, &app.client_id, &app.client_secret)).await;
    assert!(!v.ok);
    assert_eq!(v.code, VerificationCode::TenantMismatch, "{v:#?}");
    assert!(check(&v, CheckName::OauthAppValid).ok);
    assert!(v.hint.unwrap().contains("omit tenantId"));
}

#[tokio::test]
async fn a_microsoft_account_organization_is_a_pat_only_warning_that_does_not_fail() {
    let fake = FakeAzure::start().await;
    fake.set_org_backed_by_microsoft_accounts(DEFAULT_ORG);
    let v = verify(&client(), &oauth_only(&fake, DEFAULT_TENANT, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)).await;
    assert!(v.ok, "{v:#?}");
    let c = check(&v, CheckName::OrganizationTenant);
    assert_eq!((c.ok, c.code), (false, Some(VerificationCode::OrganizationPatOnly)));
}
