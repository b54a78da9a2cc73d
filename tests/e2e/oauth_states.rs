//! Pending OAuth states stay few, whoever asks: a read by a user with no credential names
//! `startAzureDevOpsAuthorization` instead of writing a state row, a start replaces the user's
//! pending state for that integration, and a user keeps at most 10 across integrations.

use sea_orm::{Database, EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::support::acting::WI_COMMENTS;
use crate::support::authorizations::{connect, start};
use crate::support::integrations::oauth_integration;
use crate::support::{TestApp, error_code, on_both_backends};

async fn pending(app: &TestApp) -> u64 {
    let db = Database::connect(&app.config.database_url).await.expect("db");
    entity::oauth_state::Entity::find().count(&db).await.expect("count")
}

async fn pending_oauth_states_stay_few(app: TestApp) {
    let id = oauth_integration(&app, "oauth-only", false).await;
    let carol = app.token("carol", "MEMBER").await;
    for _ in 0..25 {
        let denied = app.gql_as(Some(&carol), WI_COMMENTS, json!({ "id": id })).await;
        assert_eq!(error_code(&denied), Some("NOT_AUTHORIZED_UPSTREAM"), "{denied}");
        assert_eq!(denied["errors"][0]["extensions"]["startMutation"], "startAzureDevOpsAuthorization");
    }
    assert_eq!(pending(&app).await, 0, "reads write no state");

    for _ in 0..5 {
        let started = start(&app, &carol, &id, None).await;
        assert!(started.get("errors").is_none(), "{started}");
    }
    assert_eq!(pending(&app).await, 1, "one pending sign-in per user and integration: the last");

    let mut others = Vec::new();
    for n in 0..12 {
        let other = oauth_integration(&app, &format!("oauth-{n}"), false).await;
        assert!(start(&app, &carol, &other, None).await.get("errors").is_none());
        others.push(other);
    }
    assert_eq!(pending(&app).await, 10, "a user keeps at most 10");
    // The newest still completes; Dana's own starts are hers, not trimmed by Carol's.
    let dana = app.token("dana", "MEMBER").await;
    assert!(start(&app, &dana, &id, None).await.get("errors").is_none());
    assert_eq!(pending(&app).await, 11);
    assert_eq!(connect(&app, &carol, &others[11]).await.status, 200);
}
on_both_backends!(pending_oauth_states_stay_few);
