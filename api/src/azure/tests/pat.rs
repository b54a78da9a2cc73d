//! Verification with a personal access token, Services and Server, against fake-azure.

use std::time::Duration;

use base64::Engine as _;
use fake_azure::{
    Ace, Behaviour, DEFAULT_ORG, DEFAULT_PAT, FakeAzure, GIT_GENERIC_CONTRIBUTE, GIT_NAMESPACE,
    HOOKS_EDIT_SUBSCRIPTIONS, Pat, SERVICE_HOOKS_NAMESPACE, ServerOptions, ServerRelease, User,
};

use super::{check, client, client_with, has_check, pat_target};
use crate::azure::{AzureClient, AzureConfig, CheckName, VerificationCode, verify};
use crate::domain::flavor::Flavor;

#[tokio::test]
async fn a_valid_pat_verifies_with_the_account_and_the_project_count() {
    let fake = FakeAzure::start().await;
    let target = pat_target(&fake, DEFAULT_ORG, Flavor::Services, DEFAULT_PAT);

    let v = verify(&client(), &target).await;

    assert!(v.ok, "{v:#?}");
    assert_eq!(v.code, VerificationCode::Ok);
    assert_eq!(v.authenticated_as.as_deref(), Some("dana@contoso.com"));
    assert_eq!(v.project_count, Some(2));
    assert_eq!(v.message, "Verified as dana@contoso.com; 2 projects visible.");
    assert_eq!(v.hint, None);
    for name in [
        CheckName::OrganizationReachable,
        CheckName::CredentialValid,
        CheckName::ProjectsVisible,
        CheckName::CodeWrite,
        CheckName::ServiceHooksManage,
    ] {
        assert!(check(&v, name).ok, "{name:?} in {v:#?}");
    }
    assert!(!has_check(&v, CheckName::ServerPublicUrl));

    let requests = fake.requests();
    let connection = requests.iter().find(|r| r.path.ends_with("/_apis/connectionData")).unwrap();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(":{DEFAULT_PAT}"));
    assert_eq!(connection.header("authorization"), Some(format!("Basic {basic}").as_str()));
    assert_eq!(connection.header("x-tfs-fedauthredirect"), Some("Suppress"));
    assert_eq!(connection.header("accept"), Some("application/json"));
    // connectionData is preview-only; every other resource is asked at the released 7.1.
    assert_eq!(connection.api_version(), Some("7.1-preview.1"));
    let others = requests.iter().filter(|r| !r.path.ends_with("/_apis/connectionData"));
    assert!(others.clone().all(|r| r.api_version() == Some("7.1")), "{requests:#?}");
    let projects: Vec<_> = requests.iter().filter(|r| r.path.ends_with("/_apis/projects")).collect();
    assert_eq!(projects[0].query_value("$top"), Some("1"));
    assert_eq!(projects[1].query_value("continuationToken"), Some("1"));
    assert_eq!(projects[1].query_value("$top"), Some("100"));
    let batch = requests.iter().find(|r| r.path.ends_with("/permissionevaluationbatch")).unwrap();
    // Each project's own token: the root token `repoV2` does not see a project-level Allow.
    let body = batch.json().unwrap();
    assert_eq!(body["alwaysAllowAdministrators"], false);
    let first = &body["evaluations"][0];
    assert_eq!(first["securityNamespaceId"], "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87");
    assert_eq!(first["token"], format!("repoV2/{}", fake_azure::PLATFORM_PROJECT_ID));
    assert_eq!(first["permissions"], 4);
    assert!(check(&v, CheckName::CodeWrite).ok && check(&v, CheckName::ServiceHooksManage).ok, "{v:#?}");
}

#[tokio::test]
async fn code_write_asks_the_project_token_and_service_hooks_manage_asks_edit_subscriptions() {
    let fake = FakeAzure::start().await;
    let dana = User::dana();
    let project = format!("repoV2/{}", fake_azure::PLATFORM_PROJECT_ID);
    fake.set_permission(DEFAULT_ORG, Ace::new(&dana, GIT_NAMESPACE, "repoV2", GIT_GENERIC_CONTRIBUTE, true));
    fake.set_permission(DEFAULT_ORG, Ace::new(&dana, GIT_NAMESPACE, &project, GIT_GENERIC_CONTRIBUTE, false));
    let publisher = format!("PublisherSecurity/{}", fake_azure::PLATFORM_PROJECT_ID);
    fake.set_permission(
        DEFAULT_ORG,
        Ace::new(&dana, SERVICE_HOOKS_NAMESPACE, &publisher, HOOKS_EDIT_SUBSCRIPTIONS, false),
    );

    let v = verify(&client(), &pat_target(&fake, DEFAULT_ORG, Flavor::Services, DEFAULT_PAT)).await;

    assert!(v.ok, "advisory checks never fail a verification: {v:#?}");
    let code_write = check(&v, CheckName::CodeWrite);
    assert!(!code_write.ok && code_write.message.contains("Platform"), "{code_write:?}");
    let hooks = check(&v, CheckName::ServiceHooksManage);
    assert!(!hooks.ok && hooks.message.contains("Edit subscriptions"), "{hooks:?}");
}

#[tokio::test]
async fn a_global_pat_on_services_is_pat_global_retired() {
    let fake = FakeAzure::start().await;
    fake.add_pat(DEFAULT_ORG, "global-token", Pat::global(User::dana()));
    let profile = url::Url::parse(&fake.profile_url()).unwrap();
    let client = || client_with(|c| c.profile_url = profile.clone());

    let v = verify(&client(), &pat_target(&fake, DEFAULT_ORG, Flavor::Services, "global-token")).await;

    assert_eq!(v.code, VerificationCode::PatGlobalRetired, "{v:#?}");
    assert!(v.hint.clone().unwrap().contains("/_usersSettings/tokens"));
    // A wrong PAT is still PAT_INVALID (the profile refuses it too), and its hint names the retirement.
    let v = verify(&client(), &pat_target(&fake, DEFAULT_ORG, Flavor::Services, "wrong-token")).await;
    assert_eq!(v.code, VerificationCode::PatInvalid, "{v:#?}");
    assert!(v.hint.clone().unwrap().contains("2026-12-01"));
}

#[tokio::test]
async fn iis_basic_authentication_on_a_server_gets_its_own_hint() {
    let fake = FakeAzure::start().await;
    fake.add_server_collection("DefaultCollection", ServerOptions::default());
    fake.add_pat("DefaultCollection", DEFAULT_PAT, Pat::full(User::dana()));
    fake.set_iis_basic_auth("DefaultCollection", true);

    let v = verify(&client(), &pat_target(&fake, "DefaultCollection", Flavor::Server, DEFAULT_PAT)).await;

    assert_eq!(v.code, VerificationCode::PatInvalid, "{v:#?}");
    assert!(v.hint.clone().unwrap().contains("IIS"), "{v:#?}");
}

#[tokio::test]
async fn projects_are_counted_across_pages_and_left_uncounted_past_ten_pages() {
    let fake = FakeAzure::start().await;
    fake.add_org("fabrikam");
    fake.add_pat("fabrikam", "fabrikam-pat", Pat::full(User::dana()));
    for i in 0..150 {
        fake.add_project("fabrikam", &format!("p{i:04}"));
    }
    let target = pat_target(&fake, "fabrikam", Flavor::Services, "fabrikam-pat");
    assert_eq!(verify(&client(), &target).await.project_count, Some(150));

    for i in 150..1100 {
        fake.add_project("fabrikam", &format!("p{i:04}"));
    }
    let v = verify(&client(), &target).await;
    assert!(v.ok, "{v:#?}");
    assert_eq!(v.project_count, None);
    assert_eq!(v.message, "Verified as dana@contoso.com; at least 1001 projects visible.");
}

#[tokio::test]
async fn a_wrong_pat_is_pat_invalid_with_a_hint_naming_the_token_page() {
    let fake = FakeAzure::start().await;
    let target = pat_target(&fake, DEFAULT_ORG, Flavor::Services, "not-a-real-token");

    let v = verify(&client(), &target).await;

    assert!(!v.ok);
    assert_eq!(v.code, VerificationCode::PatInvalid);
    assert_eq!(v.message, "The personal access token was rejected by Azure DevOps.");
    let hint = v.hint.clone().unwrap();
    assert!(hint.contains(&format!("{}/_usersSettings/tokens", fake.org_url(DEFAULT_ORG))), "{hint}");
    assert!(check(&v, CheckName::OrganizationReachable).ok);
    assert!(!check(&v, CheckName::CredentialValid).ok);
    assert!(!has_check(&v, CheckName::CodeWrite), "no advisory checks with a bad credential");
    assert!(!v.message.contains("not-a-real-token") && !format!("{:?}", v.checks).contains("not-a-real-token"));
}

#[tokio::test]
async fn an_expired_pat_is_pat_expired() {
    let fake = FakeAzure::start().await;
    fake.add_pat(DEFAULT_ORG, "expired-token", Pat::expired(User::dana()));
    let target = pat_target(&fake, DEFAULT_ORG, Flavor::Services, "expired-token");

    let v = verify(&client(), &target).await;

    assert_eq!(v.code, VerificationCode::PatExpired, "{v:#?}");
    assert_eq!(check(&v, CheckName::CredentialValid).code, Some(VerificationCode::PatExpired));
}

#[tokio::test]
async fn a_pat_without_the_project_scope_is_pat_insufficient_scope() {
    let fake = FakeAzure::start().await;
    fake.add_pat(DEFAULT_ORG, "code-only", Pat::with_scopes(User::dana(), &["vso.code"]));
    let target = pat_target(&fake, DEFAULT_ORG, Flavor::Services, "code-only");

    let v = verify(&client(), &target).await;

    assert!(!v.ok);
    assert_eq!(v.code, VerificationCode::PatInsufficientScope, "{v:#?}");
    assert!(v.hint.clone().unwrap().contains("vso.project"));
    assert!(check(&v, CheckName::CredentialValid).ok);
    let projects = check(&v, CheckName::ProjectsVisible);
    assert!(!projects.ok && projects.code == Some(VerificationCode::PatInsufficientScope));
    assert!(!check(&v, CheckName::CodeWrite).ok, "vso.code cannot push");
}

#[tokio::test]
async fn failing_advisory_checks_do_not_fail_the_verification() {
    let fake = FakeAzure::start().await;
    fake.add_pat(DEFAULT_ORG, "read-only", Pat::with_scopes(User::dana(), &["vso.project"]));
    let target = pat_target(&fake, DEFAULT_ORG, Flavor::Services, "read-only");

    let v = verify(&client(), &target).await;

    assert!(v.ok, "{v:#?}");
    assert_eq!(v.code, VerificationCode::Ok);
    let code_write = check(&v, CheckName::CodeWrite);
    assert!(!code_write.ok && code_write.code == Some(VerificationCode::PatInsufficientScope), "{code_write:?}");
    assert!(code_write.message.contains("Code"), "{code_write:?}");
    let hooks = check(&v, CheckName::ServiceHooksManage);
    assert!(!hooks.ok && hooks.code == Some(VerificationCode::PatInsufficientScope), "{hooks:?}");
}

#[tokio::test]
async fn an_unknown_organization_is_organization_not_found() {
    let fake = FakeAzure::start().await;
    let target = pat_target(&fake, "no-such-org", Flavor::Services, DEFAULT_PAT);

    let v = verify(&client(), &target).await;

    assert_eq!(v.code, VerificationCode::OrganizationNotFound, "{v:#?}");
    assert!(!check(&v, CheckName::OrganizationReachable).ok);
    assert!(v.hint.clone().unwrap().contains("organization URL"));
}

#[tokio::test]
async fn throttling_is_upstream_rate_limited_with_the_seconds_to_wait() {
    let fake = FakeAzure::start().await;
    fake.set_behaviour(DEFAULT_ORG, Behaviour::RateLimited { retry_after_secs: 30 });
    let target = pat_target(&fake, DEFAULT_ORG, Flavor::Services, DEFAULT_PAT);

    let v = verify(&client(), &target).await;

    assert_eq!(v.code, VerificationCode::UpstreamRateLimited, "{v:#?}");
    assert!(v.message.contains("30 seconds"), "{}", v.message);
    assert!(v.hint.clone().unwrap().starts_with("Retry after 30 seconds"));
}

#[tokio::test]
async fn a_server_slower_than_the_request_timeout_is_upstream_unreachable() {
    let fake = FakeAzure::start().await;
    fake.set_behaviour(DEFAULT_ORG, Behaviour::Slow(Duration::from_secs(3)));
    let client = client_with(|c| c.request_timeout = Duration::from_millis(300));
    let target = pat_target(&fake, DEFAULT_ORG, Flavor::Services, DEFAULT_PAT);

    let v = verify(&client, &target).await;

    assert_eq!(v.code, VerificationCode::UpstreamUnreachable, "{v:#?}");
    assert!(v.message.contains("timed out"), "{}", v.message);
}

#[tokio::test]
async fn a_server_error_is_upstream_unreachable() {
    let fake = FakeAzure::start().await;
    fake.set_behaviour(DEFAULT_ORG, Behaviour::ServerError);
    let target = pat_target(&fake, DEFAULT_ORG, Flavor::Services, DEFAULT_PAT);

    let v = verify(&client(), &target).await;

    assert_eq!(v.code, VerificationCode::UpstreamUnreachable, "{v:#?}");
    assert!(v.message.contains("503"), "{}", v.message);
}

#[tokio::test]
async fn a_server_handing_out_localhost_urls_is_server_url_points_to_localhost() {
    let fake = FakeAzure::start().await;
    let options = ServerOptions { release: ServerRelease::Server2022_1, localhost_urls: true };
    fake.add_server_collection("DefaultCollection", options);
    fake.add_project("DefaultCollection", "Platform");
    fake.add_pat("DefaultCollection", "server-pat", Pat::full(User::dana()));
    let target = pat_target(&fake, "DefaultCollection", Flavor::Server, "server-pat");

    let v = verify(&client(), &target).await;

    assert!(!v.ok);
    assert_eq!(v.code, VerificationCode::ServerUrlPointsToLocalhost, "{v:#?}");
    assert!(v.hint.clone().unwrap().contains("Public URL"));
    assert!(check(&v, CheckName::ProjectsVisible).ok);
}

#[tokio::test]
async fn an_older_server_is_verified_with_its_latest_api_version() {
    let fake = FakeAzure::start().await;
    let options = ServerOptions { release: ServerRelease::Server2022, localhost_urls: false };
    fake.add_server_collection("DefaultCollection", options);
    fake.add_project("DefaultCollection", "Platform");
    fake.add_pat("DefaultCollection", "server-pat", Pat::full(User::dana()));
    let target = pat_target(&fake, "DefaultCollection", Flavor::Server, "server-pat");

    let v = verify(&client(), &target).await;

    assert!(v.ok, "{v:#?}");
    assert!(check(&v, CheckName::ServerPublicUrl).ok);
    let versions: Vec<_> = fake.requests().iter().map(|r| r.api_version().unwrap_or("").to_owned()).collect();
    assert_eq!(versions[..2], ["7.1-preview.1", "7.0-preview.1"]);
    assert!(versions[2..].iter().all(|v| v == "7.0"), "{versions:?}");
    assert_eq!(v.api_version.as_deref(), Some("7.0"));
}

#[tokio::test]
async fn an_http_upstream_is_refused_unless_private_upstreams_are_allowed() {
    let fake = FakeAzure::start().await;
    let client = AzureClient::new(AzureConfig::default()).unwrap();
    let target = pat_target(&fake, DEFAULT_ORG, Flavor::Services, DEFAULT_PAT);

    let v = verify(&client, &target).await;

    assert_eq!(v.code, VerificationCode::UpstreamUnreachable, "{v:#?}");
    assert!(v.message.contains("VCSLINK_ALLOW_PRIVATE_UPSTREAMS"), "{}", v.message);
    assert!(fake.requests().is_empty(), "nothing may reach the private address");
}
