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
    let n = parse(body).unwrap();
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
    let n = parse(body).unwrap();
    assert_eq!(n.kind(), EventKind::PullRequestCommented);
    assert_eq!(n.pull_request_number, Some(318));
    assert_eq!(n.repository_id.as_deref(), Some("R"));
    assert_eq!(n.comment_text.as_deref(), Some("@vcslink review"));
    assert_eq!(n.organization.as_deref(), Some("contoso"));
}

#[test]
fn unknown_types_are_other_and_missing_ids_hash_the_body() {
    let n = parse(br#"{"eventType":"build.complete"}"#).unwrap();
    assert_eq!(n.kind(), EventKind::Other);
    assert!(n.event_id.starts_with("sha256:"));
    assert!(parse(b"[1]").is_err());
    assert!(parse(b"{nope").is_err());
}
