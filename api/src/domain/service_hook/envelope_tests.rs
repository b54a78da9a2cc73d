//! Unit tests of envelope parsing.

use super::*;

#[test]
fn organizations_come_from_either_host_in_any_case() {
    assert_eq!(organization_of("https://dev.azure.com/Contoso/").as_deref(), Some("contoso"));
    assert_eq!(organization_of("https://CONTOSO.visualstudio.com/DefaultCollection/").as_deref(), Some("contoso"));
    assert_eq!(organization_of("https://ado.example.com/tfs/Fabrikam/_apis").as_deref(), Some("fabrikam"));
    assert_eq!(organization_of("http://127.0.0.1:9/contoso/_apis/git").as_deref(), Some("contoso"));
}

#[test]
fn a_push_is_normalized() {
    let body = br#"{"id":"e1","eventType":"git.push","notificationId":3,"resourceVersion":"1.0",
      "resource":{"refUpdates":[{"name":"refs/heads/main"}],"commits":[{"commitId":"abc","comment":"fix","author":{"name":"Dana"}}],
      "repository":{"id":"R","name":"api","project":{"id":"P","name":"Platform"}},"pushedBy":{"displayName":"Dana Kim"}},
      "resourceContainers":{"account":{"baseUrl":"https://contoso.visualstudio.com/"}}}"#;
    let n = parse(body);
    assert_eq!(n.kind(), EventKind::CodePushed);
    assert_eq!(n.event_id, "e1");
    assert_eq!(n.notification_id, Some(3));
    assert_eq!(n.ref_name.as_deref(), Some("refs/heads/main"));
    assert_eq!(n.commits.len(), 1);
    assert_eq!(n.project.as_deref(), Some("Platform"));
    assert_eq!(n.organization.as_deref(), Some("contoso"));
    assert_eq!(n.actor.as_deref(), Some("Dana Kim"));
}

#[test]
fn a_v1_comment_finds_its_pull_request_in_the_links() {
    let body = br#"{"id":"e2","eventType":"ms.vss-code.git-pullrequest-comment-event","resourceVersion":"1.0",
      "resource":{"content":"@vcslink review","author":{"displayName":"Lee"},
      "_links":{"self":{"href":"https://dev.azure.com/contoso/P/_apis/git/repositories/R/pullRequests/318/threads/1/comments/3"}}}}"#;
    let n = parse(body);
    assert_eq!(n.kind(), EventKind::PullRequestCommented);
    assert_eq!(n.pull_request_number, Some(318));
    assert_eq!(n.repository_id.as_deref(), Some("R"));
    assert_eq!(n.comment_text.as_deref(), Some("@vcslink review"));
    assert_eq!(n.organization.as_deref(), Some("contoso"));
}

#[test]
fn what_cannot_be_used_is_quarantined_as_other_and_deduplicated_on_its_hash() {
    let unknown = parse(br#"{"id":"u1","eventType":"build.complete","resource":{}}"#);
    assert_eq!(unknown.kind(), EventKind::Other);
    assert_eq!(unknown.event_id, "u1", "a good envelope keeps its id");
    assert!(unknown.quarantine.as_deref().is_some_and(|r| r.contains("unknown event type")));

    let no_id = parse(br#"{"eventType":"git.push","resource":{}}"#);
    assert_eq!(no_id.kind(), EventKind::Other, "quarantined is OTHER whatever eventType says");
    assert_eq!(no_id.event_type, "git.push");
    assert!(no_id.event_id.starts_with("sha256:"));
    assert!(no_id.quarantine.as_deref().is_some_and(|r| r.contains("no id")));

    let no_resource = parse(br#"{"id":"x","eventType":"git.push"}"#);
    assert!(no_resource.quarantine.as_deref().is_some_and(|r| r.contains("resource")));

    for body in [&b"[1]"[..], b"{nope", b"\xff\xfe"] {
        let n = parse(body);
        assert_eq!(n.kind(), EventKind::Other);
        assert_eq!(n.event_id, format!("sha256:{}", hex::encode(Sha256::digest(body))));
        assert!(n.quarantine.is_some());
    }
    let long = format!(r#"{{"id":"{}","eventType":"git.push","resource":{{}}}}"#, "x".repeat(300));
    assert!(parse(long.as_bytes()).event_id.starts_with("sha256:"), "an id too long for its column is hashed");
}

#[test]
fn an_update_is_acted_by_whom_the_message_names_and_a_comment_edit_is_seen() {
    let body = br#"{"id":"e3","eventType":"git.pullrequest.updated","message":{"text":"Lee Park approved pull request 318"},
      "resource":{"pullRequestId":318,"status":"active","createdBy":{"displayName":"Dana Kim","uniqueName":"dana@contoso.com"},
      "reviewers":[{"displayName":"Lee Park","uniqueName":"lee@contoso.com"}]}}"#;
    let n = parse(body);
    assert_eq!(n.actor.as_deref(), Some("Lee Park"));
    assert_eq!(n.actor_user.as_deref(), Some("lee@contoso.com"));

    let body = br#"{"id":"e4","eventType":"ms.vss-code.git-pullrequest-comment-event","message":{"text":"Jamal Hartnett has edited a pull request comment"},
      "resource":{"comment":{"content":"@<1601DE0C-6F44-4F34-9E4A-2B1B6B4F0C1D> retry","author":{"displayName":"Jamal Hartnett","uniqueName":"j@fabrikam.com"},
      "publishedDate":"2024-06-17T11:22:33.456789Z","lastContentUpdatedDate":"2024-06-17T16:58:33.123889Z"}}}"#;
    let n = parse(body);
    assert!(n.comment_edited);
    assert_eq!(n.mentions, vec!["1601de0c-6f44-4f34-9e4a-2b1b6b4f0c1d".to_owned()]);
    assert_eq!(n.actor_user.as_deref(), Some("j@fabrikam.com"));
}
