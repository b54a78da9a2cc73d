//! Service hook subscriptions, work item comments, permission evaluation.

use fake_azure::{
    Ace, FakeAzure, GIT_GENERIC_CONTRIBUTE, GIT_NAMESPACE, HOOKS_EDIT_SUBSCRIPTIONS, PLATFORM_PROJECT_ID, Pat,
    SERVICE_HOOKS_NAMESPACE, ServerOptions, ServerRelease, User,
};
use serde_json::json;

use crate::support::{basic, body, client, get, get_as, header, post};

#[tokio::test]
async fn hook_subscriptions_mask_passwords_and_delete_with_204() {
    let fake = FakeAzure::start().await;
    let sub = json!({
        "publisherId": "tfs", "eventType": "git.push", "resourceVersion": "1.0",
        "consumerId": "webHooks", "consumerActionId": "httpRequest",
        "publisherInputs": {"projectId": PLATFORM_PROJECT_ID, "repository": "c4b2a1d0-3e5f-4a6b-8c7d-9e0f1a2b3c4d", "branch": "main"},
        "consumerInputs": {"url": "https://hooks.example.net/webhooks/azure-devops/x", "basicAuthUsername": "ado", "basicAuthPassword": "hunter2"}
    });
    let r = post(&fake, "/contoso/_apis/hooks/subscriptions?api-version=7.1", &sub).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let b = body(r).await;
    assert_eq!(b["consumerInputs"]["basicAuthPassword"], "********");
    assert_eq!(b["status"], "enabled");
    assert_eq!(b["eventDescription"], "Repository api-gateway, Branch main");
    let id = b["id"].as_str().unwrap().to_string();
    assert_eq!(fake.hook_subscriptions("contoso")[0]["consumerInputs"]["basicAuthPassword"], "hunter2");
    let list = body(get(&fake, "/contoso/_apis/hooks/subscriptions?eventType=git.push").send().await.unwrap()).await;
    assert_eq!(list["count"], 1);
    let r = client()
        .delete(format!("{}/contoso/_apis/hooks/subscriptions/{id}?api-version=7.1", fake.base_url()))
        .header("Authorization", basic(fake_azure::DEFAULT_PAT))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    assert!(fake.hook_subscriptions("contoso").is_empty());
}

#[tokio::test]
async fn an_update_keeps_the_owner_and_cannot_revive_a_subscription_the_system_disabled() {
    let fake = FakeAzure::start().await;
    let sub = json!({
        "publisherId": "tfs", "eventType": "git.push", "resourceVersion": "1.0",
        "consumerId": "webHooks", "consumerActionId": "httpRequest",
        "publisherInputs": {"projectId": PLATFORM_PROJECT_ID},
        "consumerInputs": {"url": "https://hooks.example.net/webhooks/azure-devops/x"}
    });
    let created =
        body(post(&fake, "/contoso/_apis/hooks/subscriptions?api-version=7.1", &sub).send().await.unwrap()).await;
    let id = created["id"].as_str().unwrap().to_string();
    let put = |status: &str| {
        let mut again = sub.clone();
        again["status"] = json!(status);
        client()
            .put(format!("{}/contoso/_apis/hooks/subscriptions/{id}?api-version=7.1", fake.base_url()))
            .header("Authorization", basic(fake_azure::DEFAULT_PAT))
            .json(&again)
            .send()
    };
    for (disabled, revived) in
        [("disabledByUser", true), ("disabledBySystem", false), ("disabledByInactiveIdentity", false)]
    {
        fake.set_hook_status("contoso", &id, disabled);
        let r = put("enabled").await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let b = body(r).await;
        let want = if revived { "enabled" } else { disabled };
        assert_eq!(b["status"], want, "a PUT after {disabled}");
        assert_eq!(b["createdBy"], created["createdBy"], "an update keeps the owner");
    }
}

#[tokio::test]
async fn work_item_comments_page_with_a_continuation_token() {
    let fake = FakeAzure::start().await;
    let path = "/contoso/Platform/_apis/wit/workItems/4521/comments";
    let b = body(get(&fake, &format!("{path}?api-version=7.1-preview.4&$top=2")).send().await.unwrap()).await;
    assert_eq!(b["totalCount"], 3);
    assert_eq!(b["count"], 2);
    let token = b["continuationToken"].as_str().unwrap().to_string();
    assert!(b["nextPage"].as_str().unwrap().contains("continuationToken="));
    let b = body(
        get(&fake, &format!("{path}?api-version=7.1-preview.4&$top=2&continuationToken={token}")).send().await.unwrap(),
    )
    .await;
    assert_eq!(b["count"], 1);
    assert!(b.get("continuationToken").is_none());
    let r = get(&fake, &format!("{path}?api-version=7.1")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400, "the resource is preview-only");
    let r =
        post(&fake, &format!("{path}?api-version=7.1-preview.4"), &json!({"text": "Deployed"})).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(body(r).await["text"], "Deployed");
    let r =
        get(&fake, "/contoso/Platform/_apis/wit/workItems/1/comments?api-version=7.1-preview.4").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn permission_evaluation_answers_the_identity_not_the_token_scopes_and_the_deepest_token() {
    let fake = FakeAzure::start().await;
    fake.add_pat("contoso", "reader", Pat::with_scopes(User::dana(), &["vso.code"]));
    let project = PLATFORM_PROJECT_ID;
    let batch = json!({"alwaysAllowAdministrators": false, "evaluations": [
        {"securityNamespaceId": "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87", "token": "repoV2", "permissions": 4},
        {"securityNamespaceId": "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87", "token": format!("repoV2/{project}"), "permissions": 4},
        {"securityNamespaceId": "cb594ebe-87dd-4fc9-ac2c-6a10a4c92046", "token": format!("PublisherSecurity/{project}"), "permissions": 2}
    ]});
    let url = "/contoso/_apis/security/permissionevaluationbatch?api-version=7.1";
    let values = |b: serde_json::Value| -> Vec<bool> {
        b["evaluations"].as_array().unwrap().iter().map(|e| e["value"].as_bool().unwrap()).collect()
    };
    // A project-level allow is not seen from the root token; a narrow PAT answers like a full one.
    let b = body(post(&fake, url, &batch).send().await.unwrap()).await;
    assert_eq!(values(b.clone()), [false, true, true]);
    assert_eq!(b["alwaysAllowAdministrators"], false);
    let as_reader = || client().post(format!("{}{url}", fake.base_url())).header("Authorization", basic("reader"));
    assert_eq!(values(body(as_reader().json(&batch).send().await.unwrap()).await), [false, true, true]);
    // Allowed at the root, denied on the project: the deepest token decides.
    fake.set_permission("contoso", Ace::new(&User::dana(), GIT_NAMESPACE, "repoV2", GIT_GENERIC_CONTRIBUTE, true));
    fake.set_permission(
        "contoso",
        Ace::new(&User::dana(), GIT_NAMESPACE, &format!("repoV2/{project}"), GIT_GENERIC_CONTRIBUTE, false),
    );
    fake.set_permission(
        "contoso",
        Ace::new(
            &User::dana(),
            SERVICE_HOOKS_NAMESPACE,
            &format!("PublisherSecurity/{project}"),
            HOOKS_EDIT_SUBSCRIPTIONS,
            false,
        ),
    );
    assert_eq!(values(body(post(&fake, url, &batch).send().await.unwrap()).await), [true, false, false]);
}

/// A Server collection of `release` with work item 7 in `Platform` and a full PAT `srv-pat`.
async fn collection(release: ServerRelease) -> FakeAzure {
    let fake = FakeAzure::start().await;
    fake.add_server_collection("DefaultCollection", ServerOptions { release, localhost_urls: false });
    fake.add_pat("DefaultCollection", "srv-pat", Pat::full(User::dana()));
    fake.add_project("DefaultCollection", "Platform");
    fake.add_work_item("DefaultCollection", "Platform", 7);
    fake
}

fn post_as(fake: &FakeAzure, path: &str, body: &serde_json::Value) -> reqwest::RequestBuilder {
    client().post(format!("{}{path}", fake.base_url())).header("Authorization", basic("srv-pat")).json(body)
}

#[tokio::test]
async fn markdown_comments_exist_only_from_7_1_preview_4() {
    let fake = FakeAzure::start().await;
    let path = "/contoso/Platform/_apis/wit/workItems/4521/comments";
    let r = post(&fake, &format!("{path}?format=markdown&api-version=7.1-preview.4"), &json!({"text": "**done**"}))
        .send()
        .await
        .unwrap();
    assert_eq!(body(r).await["format"], "markdown");
    let r = post(&fake, &format!("{path}?format=markdown&api-version=7.0-preview.3"), &json!({"text": "<b>done</b>"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let b = body(r).await;
    assert!(b.get("format").is_none(), "7.0-preview.3 has no format: {b}");
}

#[tokio::test]
async fn work_item_comments_on_server_2022_take_7_0_preview_3_and_nothing_newer() {
    let fake = collection(ServerRelease::Server2022).await;
    let path = "/DefaultCollection/Platform/_apis/wit/workItems/7/comments";
    let refused = |v: &str| format!("{path}?api-version={v}");
    for (asked, key) in [
        ("7.1-preview.4", "VssVersionOutOfRangeException"),
        ("7.0-preview.4", "VssVersionOutOfRangeException"),
        ("7.0", "VssInvalidPreviewVersionException"),
    ] {
        let r = post_as(&fake, &refused(asked), &json!({"text": "x"})).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 400, "{asked}");
        assert_eq!(body(r).await["typeKey"], key, "{asked}");
    }
    let r = post_as(&fake, &format!("{path}?format=markdown&api-version=7.0-preview.3"), &json!({"text": "<p>ok</p>"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(header(&r, "content-type").unwrap(), "application/json; charset=utf-8; api-version=7.0-preview.3");
    let b = body(r).await;
    assert_eq!(b["text"], "<p>ok</p>");
    assert!(b.get("format").is_none(), "{b}");
}

#[tokio::test]
async fn server_2019_reads_revision_comments_and_adds_one_through_a_history_patch() {
    let fake = collection(ServerRelease::Server2019).await;
    let comments = "/DefaultCollection/Platform/_apis/wit/workItems/7/comments";
    let r =
        post_as(&fake, &format!("{comments}?api-version=5.0-preview.2"), &json!({"text": "x"})).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 405, "5.0 has no comment to post");
    let item = format!("{}/DefaultCollection/Platform/_apis/wit/workitems/7?api-version=5.0", fake.base_url());
    let patch = json!([{"op": "add", "path": "/fields/System.History", "value": "Deployed &amp; done"}]);
    let wrong = client().patch(&item).header("Authorization", basic("srv-pat")).json(&patch).send().await.unwrap();
    assert_eq!(wrong.status().as_u16(), 415, "a patch must be application/json-patch+json");
    let r = client()
        .patch(&item)
        .header("Authorization", basic("srv-pat"))
        .header("Content-Type", "application/json-patch+json")
        .body(patch.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let b = body(r).await;
    assert_eq!(b["id"], 7);
    assert_eq!(b["fields"]["System.ChangedBy"]["uniqueName"], "dana@contoso.com");
    let rev = b["rev"].clone();
    let path = format!("{comments}?fromRevision=1&$top=10&api-version=5.0-preview.2");
    let b = body(get_as(&fake, &path, "srv-pat").send().await.unwrap()).await;
    assert_eq!(b["count"], 1);
    assert_eq!(b["comments"][0]["revision"], rev);
    assert_eq!(b["comments"][0]["text"], "Deployed &amp; done");
    assert_eq!(b["comments"][0]["revisedBy"]["uniqueName"], "dana@contoso.com");
}
