//! Acting as the user: the documents several modules send (branches, pull requests, comments, work
//! item comments) and the fake's recorded requests they are checked against.

use fake_azure::RecordedRequest;

use super::TestApp;

pub const REPO: &str = "contoso/Platform/api-gateway";
pub const CREATE_BRANCH: &str = "mutation($i: CreateBranchInput!) { createBranch(input: $i) { \
    branch { name refName objectId } clientMutationId } }";
pub const CREATE_PR: &str = "mutation($i: CreatePullRequestInput!) { createPullRequest(input: $i) { \
    pullRequest { number title description isDraft sourceBranch targetBranch createdBy status } clientMutationId } }";
pub const COMMENT: &str = "mutation($i: AddPullRequestCommentInput!) { addPullRequestComment(input: $i) { \
    comment { id threadId parentCommentId content author } clientMutationId } }";
pub const WI_COMMENTS: &str = "query($id: ID!) { workItemComments(integrationId: $id, project: \"Platform\", workItemId: 4521) { \
    totalCount edges { node { id content author } } } }";

/// The `Authorization` header value of a recorded request.
pub fn auth_of(r: &RecordedRequest) -> String {
    r.header("authorization").unwrap_or_default().to_owned()
}

/// The last request whose method is `method` and path ends with `suffix`.
pub fn last(app: &TestApp, method: &str, suffix: &str) -> RecordedRequest {
    app.fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == method && r.path.to_ascii_lowercase().ends_with(&suffix.to_ascii_lowercase()))
        .unwrap_or_else(|| panic!("no {method} …{suffix}"))
}

/// The bearer header the callback used to learn who connected (the user's first access token).
pub fn bearer_after_connect(app: &TestApp) -> String {
    auth_of(&last(app, "GET", "/_apis/connectionData"))
}
