//! Acting as the user: branches, pull requests, comments, work item comments and clone
//! credentials go to Azure DevOps with the caller's own token; without one, the hint.

use fake_azure::{DEFAULT_ORG, Pat, User};
use serde_json::{Value, json};

use crate::support::acting::{
    COMMENT, CREATE_BRANCH, CREATE_PR, REPO, WI_COMMENTS, auth_of, bearer_after_connect, last,
};
use crate::support::authorizations::{DISCONNECT, SET_PAT, VIEWER_AUTH, connect, viewer_auth};
use crate::support::integrations::oauth_integration;
use crate::support::{TestApp, captured_logs, error_code, on_both_backends};

const WI_COMMENT: &str = "mutation($i: AddWorkItemCommentInput!) { addWorkItemComment(input: $i) { \
    comment { id threadId content author publishedAt } clientMutationId } }";
const CLONE: &str = "mutation($i: CloneCredentialsInput!) { cloneCredentials(input: $i) { \
    cloneUrl username password expiresAt clientMutationId } }";

async fn a_connected_user_acts_with_their_own_token(app: TestApp) {
    let id = oauth_integration(&app, "oauth", true).await;
    let alice = app.token("alice", "MEMBER").await;
    app.fake.set_sign_in_user(fake_azure::DEFAULT_TENANT, User::lee());
    assert_eq!(connect(&app, &alice, &id).await.status, 200);
    let bearer = bearer_after_connect(&app);
    assert!(bearer.starts_with("Bearer "), "{bearer}");

    let b = app
        .gql_as(
            Some(&alice),
            CREATE_BRANCH,
            json!({ "i": { "integrationId": id, "repository": REPO,
            "name": "bot/fix-1", "from": "main", "clientMutationId": "b" } }),
        )
        .await;
    assert_eq!(b["data"]["createBranch"]["branch"]["refName"], "refs/heads/bot/fix-1", "{b}");
    assert_eq!(b["data"]["createBranch"]["clientMutationId"], "b");
    let refs = last(&app, "POST", "/refs");
    assert_eq!(auth_of(&refs), bearer);
    assert_eq!(refs.api_version(), Some("7.1"));
    let body = refs.json().expect("json body");
    assert_eq!(body[0]["name"], "refs/heads/bot/fix-1");
    assert_eq!(body[0]["oldObjectId"], "0000000000000000000000000000000000000000");
    assert!(app.fake.refs(DEFAULT_ORG, "api-gateway").iter().any(|(n, _)| n == "refs/heads/bot/fix-1"));

    let again = app
        .gql_as(
            Some(&alice),
            CREATE_BRANCH,
            json!({ "i": { "integrationId": id, "repository": REPO, "name": "bot/fix-1", "from": "main" } }),
        )
        .await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");

    let pr = app
        .gql_as(Some(&alice), CREATE_PR, json!({ "i": { "integrationId": id, "repository": REPO, "title": "Fix one",
            "description": "Details.", "sourceBranch": "bot/fix-1", "targetBranch": "main", "isDraft": true, "clientMutationId": "p" } }))
        .await;
    let created = &pr["data"]["createPullRequest"]["pullRequest"];
    assert_eq!(created["title"], "Fix one", "{pr}");
    assert_eq!(created["isDraft"], true);
    assert_eq!(created["createdBy"], "lee@contoso.com");
    let number = created["number"].as_i64().expect("number");
    let post = last(&app, "POST", "/pullrequests");
    assert_eq!(auth_of(&post), bearer);
    assert_eq!(post.api_version(), Some("7.1"));
    assert_eq!(post.json().expect("json")["sourceRefName"], "refs/heads/bot/fix-1");

    let dup = app
        .gql_as(
            Some(&alice),
            CREATE_PR,
            json!({ "i": { "integrationId": id, "repository": REPO, "title": "Again",
            "sourceBranch": "feature/rate-limit", "targetBranch": "main" } }),
        )
        .await;
    assert_eq!(error_code(&dup), Some("CONFLICT"));
    assert!(dup["errors"][0]["message"].as_str().unwrap_or("").contains("#318"), "{dup}");

    let thread = app
        .gql_as(
            Some(&alice),
            COMMENT,
            json!({ "i": { "integrationId": id, "repository": REPO, "pullRequestNumber": number,
            "content": "Looks good." } }),
        )
        .await;
    let c = &thread["data"]["addPullRequestComment"]["comment"];
    assert_eq!(c["content"], "Looks good.", "{thread}");
    let thread_id = c["threadId"].as_i64().expect("thread");
    assert_eq!(auth_of(&last(&app, "POST", "/threads")), bearer);
    let reply = app
        .gql_as(
            Some(&alice),
            COMMENT,
            json!({ "i": { "integrationId": id, "repository": REPO, "pullRequestNumber": number,
            "content": "One more thing.", "threadId": thread_id } }),
        )
        .await;
    assert_eq!(reply["data"]["addPullRequestComment"]["comment"]["parentCommentId"], 1, "{reply}");
    let posted = last(&app, "POST", "/comments");
    assert_eq!(auth_of(&posted), bearer);
    assert_eq!(posted.json().expect("json")["parentCommentId"], 1);

    let wi = app
        .gql_as(
            Some(&alice),
            WI_COMMENT,
            json!({ "i": { "integrationId": id, "project": "Platform", "workItemId": 4521,
            "text": "Fixed in bot/fix-1", "clientMutationId": "w" } }),
        )
        .await;
    assert_eq!(wi["data"]["addWorkItemComment"]["comment"]["author"], "lee@contoso.com", "{wi}");
    let published = wi["data"]["addWorkItemComment"]["comment"]["publishedAt"].as_str().unwrap_or_default();
    assert!(chrono::DateTime::parse_from_rfc3339(published).is_ok(), "a DateTime, not Azure DevOps' text: {wi}");
    let wpost = last(&app, "POST", "/comments");
    assert_eq!(wpost.api_version(), Some("7.1-preview.4"));
    assert_eq!(auth_of(&wpost), bearer);
    let list = app.gql_as(Some(&alice), WI_COMMENTS, json!({ "id": id })).await;
    let edges = list["data"]["workItemComments"]["edges"].as_array().cloned().unwrap_or_default();
    assert_eq!(edges.last().map(|e| e["node"]["content"].clone()), Some(json!("Fixed in bot/fix-1")), "{list}");

    let clone = app
        .gql_as(
            Some(&alice),
            CLONE,
            json!({ "i": { "integrationId": id, "repository": REPO, "clientMutationId": "c" } }),
        )
        .await;
    let cc = &clone["data"]["cloneCredentials"];
    assert_eq!(format!("Bearer {}", cc["password"].as_str().unwrap_or("")), bearer, "{clone}");
    assert!(cc["cloneUrl"].as_str().unwrap_or("").contains("api-gateway"));
    assert_eq!(cc["username"], "lee@contoso.com");
    assert!(cc["expiresAt"].as_str().is_some());
    let password = cc["password"].as_str().unwrap_or("");
    assert!(!password.is_empty() && !captured_logs().contains(password), "clone password in a log line");

    // Every clone credential handed out is audited with the token that asked for it.
    let alice_token = app.gql_as(Some(&alice), "{ viewer { tokenId } }", json!({})).await;
    let events = app.gql("{ auditEvents(first: 50) { nodes { action actor actorTokenId } } }", json!({})).await;
    let cloned: Vec<&Value> = events["data"]["auditEvents"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|e| e["action"] == "repository.clone_credentials")
        .collect();
    assert_eq!(cloned.len(), 1, "{events}");
    assert_eq!(cloned[0]["actor"], "alice");
    assert_eq!(cloned[0]["actorTokenId"], alice_token["data"]["viewer"]["tokenId"]);
}
on_both_backends!(a_connected_user_acts_with_their_own_token);

async fn a_member_without_authorization_gets_the_hint(app: TestApp) {
    let id = oauth_integration(&app, "oauth", true).await;
    let bob = app.token("bob", "MEMBER").await;
    let denied = app
        .gql_as(
            Some(&bob),
            CREATE_BRANCH,
            json!({ "i": { "integrationId": id, "repository": REPO, "name": "x", "from": "main" } }),
        )
        .await;
    assert_eq!(error_code(&denied), Some("NOT_AUTHORIZED_UPSTREAM"), "{denied}");
    let ext = &denied["errors"][0]["extensions"];
    assert!(ext["hint"].as_str().is_some_and(|h| h.contains("startAzureDevOpsAuthorization")), "{ext}");
    assert_eq!(ext["startMutation"], "startAzureDevOpsAuthorization", "a read names the mutation: {ext}");
    assert!(ext.get("authorizationUrl").is_none(), "and starts no flow itself: {ext}");
    assert!(ext["personalAccessTokenUrl"].as_str().is_some_and(|u| u.ends_with("/_usersSettings/tokens")), "{ext}");
    let clone = app.gql_as(Some(&bob), CLONE, json!({ "i": { "integrationId": id, "repository": REPO } })).await;
    assert_eq!(error_code(&clone), Some("NOT_AUTHORIZED_UPSTREAM"));
    // Reads fall back to the integration's PAT; an ADMIN's writes do too.
    let read = app.gql_as(Some(&bob), WI_COMMENTS, json!({ "id": id })).await;
    assert!(read.get("errors").is_none(), "{read}");
    let admin = app
        .gql(
            CREATE_BRANCH,
            json!({ "i": { "integrationId": id, "repository": REPO, "name": "admin/x", "from": "main" } }),
        )
        .await;
    assert!(admin.get("errors").is_none(), "{admin}");
    // An admin never gets the integration PAT as clone credentials.
    let admin_clone = app.gql(CLONE, json!({ "i": { "integrationId": id, "repository": REPO } })).await;
    assert_eq!(error_code(&admin_clone), Some("NOT_AUTHORIZED_UPSTREAM"));
}
on_both_backends!(a_member_without_authorization_gets_the_hint);

async fn two_users_stay_apart(app: TestApp) {
    let id = oauth_integration(&app, "oauth", false).await;
    let alice = app.token("alice", "MEMBER").await;
    let bob = app.token("bob", "MEMBER").await;
    assert_eq!(connect(&app, &alice, &id).await.status, 200);
    let alice_bearer = bearer_after_connect(&app);
    let bob_pat = "bobpat0123456789abcdefghijklmnopqrstuvwxyz01234567";
    app.fake.add_pat(DEFAULT_ORG, bob_pat, Pat::full(User::lee()));
    let set = app.gql_as(Some(&bob), SET_PAT, json!({ "i": { "integrationId": id, "token": bob_pat } })).await;
    assert!(set.get("errors").is_none(), "{set}");
    assert_eq!(viewer_auth(&app, &alice, &id).await["method"], "OAUTH");
    assert_eq!(viewer_auth(&app, &bob, &id).await["method"], "PERSONAL_ACCESS_TOKEN");
    for (token, name) in [(&alice, "alice/x"), (&bob, "bob/x")] {
        let b = app
            .gql_as(
                Some(token),
                CREATE_BRANCH,
                json!({ "i": { "integrationId": id, "repository": REPO, "name": name, "from": "main" } }),
            )
            .await;
        assert!(b.get("errors").is_none(), "{b}");
    }
    let posts: Vec<_> =
        app.fake.requests().into_iter().filter(|r| r.method == "POST" && r.path.ends_with("/refs")).collect();
    let by = |branch: &str| {
        posts.iter().find(|r| r.json().is_some_and(|j| j[0]["name"] == format!("refs/heads/{branch}"))).map(auth_of)
    };
    assert_eq!(by("alice/x"), Some(alice_bearer.clone()));
    assert!(by("bob/x").is_some_and(|a| a.starts_with("Basic ")));
    // Bob disconnecting leaves Alice connected; Bob is back to the hint.
    app.gql_as(Some(&bob), DISCONNECT, json!({ "i": { "integrationId": id } })).await;
    assert_eq!(viewer_auth(&app, &alice, &id).await["method"], "OAUTH");
    let denied = app
        .gql_as(
            Some(&bob),
            CREATE_BRANCH,
            json!({ "i": { "integrationId": id, "repository": REPO, "name": "bob/y", "from": "main" } }),
        )
        .await;
    assert_eq!(error_code(&denied), Some("NOT_AUTHORIZED_UPSTREAM"));
    let none: Value = app.gql_as(Some(&bob), VIEWER_AUTH, json!({ "id": id })).await;
    assert!(none["data"]["azureDevOpsIntegration"]["viewerAuthorization"].is_null());
}
on_both_backends!(two_users_stay_apart);
