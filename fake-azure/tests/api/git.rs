//! Repositories, refs (paging, create, stale updates), commits, pull requests and threads.

use fake_azure::{API_GATEWAY_REPO_ID, FakeAzure};
use serde_json::json;

use crate::support::{body, get, header, post};

const ZERO: &str = "0000000000000000000000000000000000000000";
const MAIN: &str = "a1f9e2d3c4b5a6978877665544332211ffeeddcc";

#[tokio::test]
async fn repositories_resolve_by_name_or_id_case_insensitively() {
    let fake = FakeAzure::start().await;
    let b = body(get(&fake, "/contoso/platform/_apis/git/repositories").send().await.unwrap()).await;
    assert_eq!(b["count"], 2);
    let b = body(get(&fake, "/contoso/_apis/git/repositories").send().await.unwrap()).await;
    assert_eq!(b["count"], 3);
    let r = get(&fake, "/contoso/Platform/_apis/git/repositories/API-GATEWAY").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let b = body(r).await;
    let base = fake.base_url();
    assert_eq!(b["id"], API_GATEWAY_REPO_ID);
    assert_eq!(b["defaultBranch"], "refs/heads/main");
    assert_eq!(b["webUrl"], format!("{base}/contoso/Platform/_git/api-gateway"));
    assert_eq!(
        b["remoteUrl"],
        format!("{}/contoso/Platform/_git/api-gateway", base.replace("http://", "http://contoso@"))
    );
    assert_eq!(b["project"]["name"], "Platform");
    let r = get(&fake, &format!("/contoso/_apis/git/repositories/{API_GATEWAY_REPO_ID}")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = get(&fake, "/contoso/Platform/_apis/git/repositories/nope").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert!(body(r).await["message"].as_str().unwrap().starts_with("TF401019: "));
    let r = get(&fake, "/contoso/Nope/_apis/git/repositories").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn refs_page_with_the_next_ref_name_as_token() {
    let fake = FakeAzure::start().await;
    let path = "/contoso/Platform/_apis/git/repositories/api-gateway/refs?filter=heads/";
    let all = body(get(&fake, path).send().await.unwrap()).await;
    assert_eq!(all["count"], 3);
    let r = get(&fake, &format!("{path}&$top=1")).send().await.unwrap();
    assert_eq!(header(&r, "x-ms-continuationtoken").unwrap(), "refs/heads/main");
    assert_eq!(body(r).await["value"][0]["name"], "refs/heads/feature/rate-limit");
    let r = get(&fake, &format!("{path}&$top=1&continuationToken=refs/heads/main")).send().await.unwrap();
    assert_eq!(header(&r, "x-ms-continuationtoken").unwrap(), "refs/heads/release/2024.3");
    let b = body(r).await;
    assert_eq!(b["value"][0]["objectId"], MAIN);
    assert_eq!(b["value"][0]["creator"]["uniqueName"], "dana@contoso.com");
}

#[tokio::test]
async fn refs_are_created_and_stale_updates_fail() {
    let fake = FakeAzure::start().await;
    let path = "/contoso/Platform/_apis/git/repositories/api-gateway/refs?api-version=7.1";
    let create = json!([{"name": "refs/heads/bot/fix-1", "oldObjectId": ZERO, "newObjectId": MAIN}]);
    let b = body(post(&fake, path, &create).send().await.unwrap()).await;
    assert_eq!(b["value"][0]["updateStatus"], "succeeded");
    assert_eq!(b["value"][0]["success"], true);
    let r = post(&fake, path, &create).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let b = body(r).await;
    assert_eq!(b["value"][0]["updateStatus"], "staleOldObjectId");
    assert_eq!(b["value"][0]["success"], false);
    assert!(fake.refs("contoso", "api-gateway").contains(&("refs/heads/bot/fix-1".into(), MAIN.into())));
}

#[tokio::test]
async fn commits_follow_the_branch_history() {
    let fake = FakeAzure::start().await;
    let b = body(get(&fake, "/contoso/Platform/_apis/git/repositories/api-gateway/commits?searchCriteria.itemVersion.version=feature/rate-limit").send().await.unwrap()).await;
    assert_eq!(b["count"], 3);
    assert_eq!(b["value"][1]["commitId"], MAIN);
    let r = get(
        &fake,
        "/contoso/Platform/_apis/git/repositories/api-gateway/commits?searchCriteria.itemVersion.version=nope",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn pull_requests_list_create_and_conflict() {
    let fake = FakeAzure::start().await;
    let list = "/contoso/Platform/_apis/git/repositories/api-gateway/pullrequests";
    let b = body(get(&fake, list).send().await.unwrap()).await;
    assert_eq!(b["count"], 1);
    assert_eq!(b["value"][0]["pullRequestId"], 318);
    assert_eq!(b["value"][0]["status"], "active");
    let b = body(get(&fake, &format!("{list}?searchCriteria.status=all")).send().await.unwrap()).await;
    assert_eq!(b["count"], 2);
    let b = body(get(&fake, &format!("{list}?searchCriteria.status=completed")).send().await.unwrap()).await;
    assert!(b["value"][0]["closedDate"].is_string());

    fake.add_branch("contoso", "api-gateway", "bot/fix-2", None);
    let pr = json!({"sourceRefName": "refs/heads/bot/fix-2", "targetRefName": "refs/heads/main", "title": "Fix 2", "description": "d"});
    let r = post(&fake, &format!("{list}?api-version=7.1"), &pr).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let b = body(r).await;
    assert_eq!(b["pullRequestId"], 319);
    assert_eq!(b["createdBy"]["displayName"], "Dana Kim");
    let r = post(&fake, &format!("{list}?api-version=7.1"), &pr).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 409);
    assert!(body(r).await["message"].as_str().unwrap().starts_with("TF401179: "));
    let r = get(&fake, "/contoso/Platform/_apis/git/pullrequests/319").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = get(&fake, "/contoso/_apis/git/pullrequests/999").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn threads_and_replies() {
    let fake = FakeAzure::start().await;
    let threads = "/contoso/Platform/_apis/git/repositories/api-gateway/pullRequests/318/threads";
    let b = body(get(&fake, threads).send().await.unwrap()).await;
    assert_eq!(b["count"], 2);
    assert_eq!(b["value"][0]["comments"][0]["commentType"], "system");
    assert_eq!(b["value"][1]["comments"].as_array().unwrap().len(), 2);
    let new = json!({"comments": [{"parentCommentId": 0, "content": "/bot retry", "commentType": 1}], "status": 1});
    let b = body(post(&fake, &format!("{threads}?api-version=7.1"), &new).send().await.unwrap()).await;
    assert_eq!(b["status"], "active");
    assert_eq!(b["comments"][0]["commentType"], "text");
    let tid = b["id"].as_u64().unwrap();
    let reply = json!({"parentCommentId": 1, "content": "ok", "commentType": 1});
    let b = body(post(&fake, &format!("{threads}/{tid}/comments?api-version=7.1"), &reply).send().await.unwrap()).await;
    assert_eq!(b["id"], 2);
    assert_eq!(b["parentCommentId"], 1);
}
