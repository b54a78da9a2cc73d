//! Users authorizing themselves: the OAuth round trip as a browser walks it, personal PATs,
//! disconnecting, the viewer's authorization read back, and stored access tokens made to expire.

use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};

use super::TestApp;

pub const START: &str = "mutation($i: StartAzureDevOpsAuthorizationInput!) { startAzureDevOpsAuthorization(input: $i) { \
    authorizationUrl expiresAt warnings clientMutationId } }";
pub const COMPLETE: &str = "mutation($i: CompleteAzureDevOpsAuthorizationInput!) { \
    completeAzureDevOpsAuthorization(input: $i) { authorization { method status authenticatedAs refreshable } \
    clientMutationId } }";
pub const PENDING: &str = "query($h: String!) { pendingAzureDevOpsAuthorization(handle: $h) { \
    authenticatedAs accountObjectId accountTenantId expiresAt scopes refreshable integration { id } } }";
pub const VIEWER_AUTH: &str = "query($id: ID!) { azureDevOpsIntegration(id: $id) { viewerAuthorization { \
    method status authenticatedAs accountObjectId accountTenantId expiresAt scopes refreshable } } }";
pub const SET_PAT: &str = "mutation($i: SetPersonalAccessTokenInput!) { setPersonalAccessToken(input: $i) { \
    authorization { method status authenticatedAs expiresAt scopes } clientMutationId } }";
pub const DISCONNECT: &str = "mutation($i: DisconnectAzureDevOpsInput!) { disconnectAzureDevOps(input: $i) { \
    disconnected clientMutationId } }";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// The callback's answer: status, `Location` (when redirected) and body.
pub struct Callback {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
    pub url: String,
}

/// Starts the flow as `token` and returns the authorization URL.
pub async fn start(app: &TestApp, token: &str, integration: &str, return_url: Option<&str>) -> Value {
    app.gql_as(
        Some(token),
        START,
        json!({ "i": { "integrationId": integration, "returnUrl": return_url, "clientMutationId": "s1" } }),
    )
    .await
}

/// What a browser does: open the authorize URL on Entra, follow its redirect to our callback.
pub async fn follow(authorization_url: &str) -> Callback {
    let http = no_redirects();
    let entra = http.get(authorization_url).send().await.expect("authorize");
    assert_eq!(entra.status().as_u16(), 302, "Entra redirects back");
    let back = entra.headers()["location"].to_str().expect("location").to_owned();
    get_callback(&back).await
}

/// Opens the callback URL `url` without following redirects.
pub async fn get_callback(url: &str) -> Callback {
    let r = no_redirects().get(url).send().await.expect("callback");
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
    Callback { status, location, body: r.text().await.unwrap_or_default(), url: url.to_owned() }
}

/// The one-time handle a callback gave: `vcslink_authorization` on the redirect, or on its page.
pub fn handle_of(cb: &Callback) -> Option<String> {
    if let Some(location) = &cb.location {
        let url = url::Url::parse(location).ok()?;
        return url.query_pairs().find(|(k, _)| k == "vcslink_authorization").map(|(_, v)| v.into_owned());
    }
    let (_, rest) = cb.body.split_once("<code id=\"vcslink-authorization\">")?;
    rest.split_once("</code>").map(|(handle, _)| handle.to_owned())
}

/// `completeAzureDevOpsAuthorization` as `token`.
pub async fn complete(app: &TestApp, token: &str, handle: &str) -> Value {
    app.gql_as(Some(token), COMPLETE, json!({ "i": { "handle": handle, "clientMutationId": "c1" } })).await
}

/// What the platform does after the browser came back: complete the handle as `token`. A callback
/// that gave no handle (it failed) is returned as it is.
pub async fn follow_and_complete(app: &TestApp, token: &str, authorization_url: &str) -> Callback {
    let cb = follow(authorization_url).await;
    if let Some(handle) = handle_of(&cb) {
        let done = complete(app, token, &handle).await;
        assert!(done.get("errors").is_none(), "{done}");
    }
    cb
}

/// Follows the link and tries to complete it as `token`, which must fail with `code`.
pub async fn follow_and_complete_expecting(app: &TestApp, token: &str, authorization_url: &str, code: &str) {
    let cb = follow(authorization_url).await;
    let handle = handle_of(&cb).expect("the callback parks the grant");
    let done = complete(app, token, &handle).await;
    assert_eq!(super::error_code(&done), Some(code), "{done}");
}

/// The whole round trip for `token`, completed; returns the callback's answer.
pub async fn connect(app: &TestApp, token: &str, integration: &str) -> Callback {
    let started = start(app, token, integration, None).await;
    let url = started["data"]["startAzureDevOpsAuthorization"]["authorizationUrl"].as_str().expect("url").to_owned();
    follow_and_complete(app, token, &url).await
}

/// The caller's `viewerAuthorization` on `integration` (null when not connected).
pub async fn viewer_auth(app: &TestApp, token: &str, integration: &str) -> Value {
    let body = app.gql_as(Some(token), VIEWER_AUTH, json!({ "id": integration })).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["azureDevOpsIntegration"]["viewerAuthorization"].clone()
}

/// How many rows `table` holds in the app's database.
pub async fn count_rows(app: &TestApp, table: &str) -> i64 {
    let db = Database::connect(&app.config.database_url).await.expect("db");
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(backend, format!("SELECT COUNT(*) AS n FROM {table}")))
        .await
        .expect("count")
        .expect("a row");
    row.try_get::<i64>("", "n").expect("n")
}

/// Makes every stored access token look expired to the server.
pub async fn expire_in_db(app: &TestApp) {
    let db = Database::connect(&app.config.database_url).await.expect("db");
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => "UPDATE user_authorizations SET expires_at = $1",
        _ => "UPDATE user_authorizations SET expires_at = ?",
    };
    db.execute_raw(Statement::from_sql_and_values(backend, sql, [past.into()])).await.expect("update");
}

/// How many refresh-token grants the fake's Entra has answered.
pub fn refresh_grants(app: &TestApp) -> usize {
    app.fake
        .requests()
        .iter()
        .filter(|r| {
            r.path.ends_with("/oauth2/v2.0/token")
                && String::from_utf8_lossy(&r.body).contains("grant_type=refresh_token")
        })
        .count()
}
