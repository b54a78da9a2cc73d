//! Credentials: 203 sign-in page, 401 challenges, expired PAT, missing scopes, bearer tokens, recording.

use fake_azure::{
    API_GATEWAY_REPO_ID, Ace, DEFAULT_PAT, FakeAzure, GIT_CREATE_BRANCH, GIT_NAMESPACE, HOOKS_EDIT_SUBSCRIPTIONS,
    PLATFORM_PROJECT_ID, Pat, SERVICE_HOOKS_NAMESPACE, User,
};
use serde_json::json;

use crate::support::{basic, body, client, get, get_as, header, post};

#[tokio::test]
async fn a_bad_pat_on_get_gets_the_203_sign_in_page() {
    let fake = FakeAzure::start().await;
    let r = get_as(&fake, "/contoso/_apis/projects?api-version=7.1", "not-a-real-pat").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 203);
    assert!(header(&r, "content-type").unwrap().starts_with("text/html"));
    let html = r.text().await.unwrap();
    assert!(html.contains("<title>Azure DevOps Services | Sign In</title>"));
}

#[tokio::test]
async fn suppressing_the_redirect_gets_a_401_challenge() {
    let fake = FakeAzure::start().await;
    let r = client()
        .get(format!("{}/contoso/_apis/projects", fake.base_url()))
        .header("X-TFS-FedAuthRedirect", "Suppress")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let www = header(&r, "www-authenticate").unwrap();
    assert!(www.contains("Bearer authorization_uri="), "{www}");
    assert!(www.contains("Basic realm="));
    assert!(header(&r, "x-tfs-fedauthrealm").is_some());
    assert!(header(&r, "x-tfs-serviceerror").unwrap().starts_with("TF400813"));
}

#[tokio::test]
async fn a_put_without_credentials_gets_401_json() {
    let fake = FakeAzure::start().await;
    let r = client()
        .put(format!("{}/contoso/_apis/hooks/subscriptions/x?api-version=7.1", fake.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(body(r).await["typeKey"], "UnauthorizedRequestException");
}

#[tokio::test]
async fn an_expired_pat_gets_401_with_the_service_error_header_and_body() {
    let fake = FakeAzure::start().await;
    fake.add_pat("contoso", "old-token", Pat::expired(User::dana()));
    let r = get_as(&fake, "/contoso/_apis/connectionData", "old-token").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(
        header(&r, "x-tfs-serviceerror").unwrap(),
        "Access%20Denied%3A%20The%20Personal%20Access%20Token%20used%20has%20expired."
    );
    let b = body(r).await;
    assert_eq!(b["typeKey"], "AccessCheckException");
    assert_eq!(b["message"], "Access Denied: The Personal Access Token used has expired.");
    assert_eq!(b["customProperties"]["NamespaceId"], "00000000-0000-0000-0000-000000000000");
}

#[tokio::test]
async fn a_pat_without_the_route_scope_gets_a_bare_401_while_connection_data_answers_200() {
    let fake = FakeAzure::start().await;
    fake.add_pat("contoso", "code-read", Pat::with_scopes(User::dana(), &["vso.code"]));
    let r = get_as(&fake, "/contoso/_apis/connectionData?api-version=7.1-preview.1", "code-read").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    for path in
        ["/contoso/_apis/projects", "/contoso/Platform/_apis/wit/workItems/1/comments?api-version=7.1-preview.4"]
    {
        let r = get_as(&fake, path, "code-read").send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401, "{path}");
        assert!(header(&r, "www-authenticate").unwrap().starts_with("Basic realm="), "{path}");
        assert!(header(&r, "x-tfs-serviceerror").is_none(), "{path}");
        assert!(r.bytes().await.unwrap().is_empty(), "{path}");
    }
    let r = client()
        .post(format!("{}/contoso/Platform/_apis/git/repositories/api-gateway/refs?api-version=7.1", fake.base_url()))
        .header("Authorization", basic("code-read"))
        .json(&json!([{"name": "refs/heads/x", "oldObjectId": "0000000000000000000000000000000000000000", "newObjectId": "a1f9e2d3c4b5a6978877665544332211ffeeddcc"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = get_as(&fake, "/contoso/Platform/_apis/git/repositories", "code-read").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn an_identity_without_a_git_permission_gets_403_tf401027_whatever_its_scopes() {
    let fake = FakeAzure::start().await;
    let token = format!("repoV2/{PLATFORM_PROJECT_ID}/{API_GATEWAY_REPO_ID}");
    fake.set_permission("contoso", Ace::new(&User::dana(), GIT_NAMESPACE, &token, GIT_CREATE_BRANCH, false));
    let r = post(
        &fake,
        "/contoso/Platform/_apis/git/repositories/api-gateway/refs?api-version=7.1",
        &json!([{"name": "refs/heads/x", "oldObjectId": "0000000000000000000000000000000000000000", "newObjectId": "a1f9e2d3c4b5a6978877665544332211ffeeddcc"}]),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let b = body(r).await;
    assert_eq!(b["typeKey"], "GitNeedsPermissionException");
    assert!(b["message"].as_str().unwrap().starts_with("TF401027: You need the Git 'CreateBranch' permission"));
    let r =
        get(&fake, "/contoso/Platform/_apis/git/repositories/api-gateway/refs?api-version=7.1").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "reading needs GenericRead, which is not denied");
}

#[tokio::test]
async fn hook_routes_check_scopes_per_event_type_and_edit_subscriptions_per_project() {
    let fake = FakeAzure::start().await;
    fake.add_pat("contoso", "work-only", Pat::with_scopes(User::dana(), &["vso.work_write"]));
    fake.add_pat("contoso", "project-only", Pat::with_scopes(User::dana(), &["vso.project"]));
    let push = json!({
        "publisherId": "tfs", "eventType": "git.push", "resourceVersion": "1.0",
        "consumerId": "webHooks", "consumerActionId": "httpRequest",
        "publisherInputs": {"projectId": PLATFORM_PROJECT_ID},
        "consumerInputs": {"url": "https://hooks.example.net/ado/events"}
    });
    let url = format!("{}/contoso/_apis/hooks/subscriptions?api-version=7.1", fake.base_url());
    let create = |pat: &'static str| client().post(&url).header("Authorization", basic(pat)).json(&push).send();
    let r = create("work-only").await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(body(r).await["message"], "No scope found");
    let r = get_as(&fake, "/contoso/_apis/hooks/subscriptions?api-version=7.1", "project-only").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(body(r).await["message"], "Not found");

    let r = post(&fake, "/contoso/_apis/hooks/subscriptions?api-version=7.1", &push).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // A work-items token lists the organization's subscriptions without the code ones.
    let r = get_as(&fake, "/contoso/_apis/hooks/subscriptions?api-version=7.1", "work-only").send().await.unwrap();
    assert_eq!(body(r).await["count"], 0);

    let token = format!("PublisherSecurity/{PLATFORM_PROJECT_ID}");
    fake.set_permission(
        "contoso",
        Ace::new(&User::dana(), SERVICE_HOOKS_NAMESPACE, &token, HOOKS_EDIT_SUBSCRIPTIONS, false),
    );
    let r = post(&fake, "/contoso/_apis/hooks/subscriptions?api-version=7.1", &push).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403, "EditSubscriptions denied on the project");
    let r = get(&fake, "/contoso/_apis/hooks/subscriptions?api-version=7.1").send().await.unwrap();
    assert_eq!(body(r).await["count"], 1, "listing still works");
}

#[tokio::test]
async fn the_profile_answers_global_pats_only_and_services_refuses_them() {
    let fake = FakeAzure::start().await;
    fake.add_pat("contoso", "global-token", Pat::global(User::dana()));
    let me = |pat: &'static str| get_as(&fake, "/_apis/profile/profiles/me?api-version=7.1", pat).send();
    assert_eq!(me(DEFAULT_PAT).await.unwrap().status().as_u16(), 401, "an organization-scoped PAT");
    let r = me("global-token").await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(body(r).await["id"], User::dana().id);
    let r = get_as(&fake, "/contoso/_apis/connectionData?api-version=7.1-preview.1", "global-token")
        .header("X-TFS-FedAuthRedirect", "Suppress")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "global PATs stopped working on Services on 2026-12-01");
}

#[tokio::test]
async fn an_unknown_org_gets_404_with_an_envelope() {
    let fake = FakeAzure::start().await;
    let r = get(&fake, "/nobody/_apis/connectionData").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let b = body(r).await;
    assert_eq!(b["$id"], "1");
    assert_eq!(b["eventId"], 3000);
    assert!(b["message"].as_str().unwrap().contains("nobody"));
}

#[tokio::test]
async fn bearer_tokens_work_unless_the_org_blocks_oauth() {
    let fake = FakeAzure::start().await;
    let token = fake.issue_access_token(User::dana(), &["vso.code", "vso.project"]);
    let call = || client().get(format!("{}/contoso/_apis/projects", fake.base_url())).bearer_auth(&token).send();
    assert_eq!(call().await.unwrap().status().as_u16(), 200);
    fake.set_oauth_blocked("contoso", true);
    let r = call().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert!(body(r).await["message"].as_str().unwrap().starts_with("TF400813: The user '5f1c2a9e"));
    fake.set_oauth_blocked("contoso", false);
    fake.expire_access_tokens();
    assert_eq!(call().await.unwrap().status().as_u16(), 203);
}

#[tokio::test]
async fn requests_are_recorded_with_method_path_version_and_auth() {
    let fake = FakeAzure::start().await;
    fake.clear_requests();
    let r = post(&fake, "/contoso/_apis/hooks/subscriptions?api-version=7.1", &json!({})).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    get(&fake, "/contoso/_apis/projects")
        .header("Accept", "application/json;api-version=7.1-preview.1")
        .send()
        .await
        .unwrap();
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].path, "/contoso/_apis/hooks/subscriptions");
    assert_eq!(reqs[0].api_version(), Some("7.1"));
    assert_eq!(reqs[0].header("authorization"), Some(basic(DEFAULT_PAT).as_str()));
    assert_eq!(reqs[0].json(), Some(json!({})));
    assert_eq!(reqs[1].api_version(), Some("7.1-preview.1"));
    assert_eq!(fake.request_count("/_apis/projects"), 1);
}

#[tokio::test]
async fn authenticated_answers_carry_user_data_and_versioned_content_type() {
    let fake = FakeAzure::start().await;
    let r = get(&fake, "/contoso/_apis/projects?api-version=7.1").send().await.unwrap();
    assert_eq!(header(&r, "content-type").unwrap(), "application/json; charset=utf-8; api-version=7.1");
    assert_eq!(header(&r, "x-vss-userdata").unwrap(), "5f1c2a9e-7b3d-6c44-9a21-0e8f4b6d2c11:dana@contoso.com");
    assert!(header(&r, "activityid").is_some());
    assert!(header(&r, "x-tfs-session").is_some());
}
