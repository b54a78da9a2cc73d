//! Delivery retention: deliveries older than `VCSLINK_DELIVERY_RETENTION_DAYS` are purged in the
//! background, their payloads gone and their count kept in `webhook.purgedDeliveries`, while
//! newer ones stay; both backends.

use std::time::Duration;

use fake_azure::payloads::{Event, Payload};
use sea_orm::{ConnectionTrait, Database};
use serde_json::json;

use crate::support::integrations::webhook_integration;
use crate::support::webhooks::{deliver, deliveries, nodes};
use crate::support::{TestApp, on_both_backends};

fn purge_often(c: &mut vcslink_api::config::Config) {
    c.delivery_retention_days = 30;
    c.delivery_purge_interval = Duration::from_millis(50);
}

const PURGED: &str = "query($id: ID!) { azureDevOpsIntegration(id: $id) { webhook { purgedDeliveries } } }";

async fn deliveries_past_retention_are_purged_and_counted(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    for _ in 0..5 {
        let p = Payload::new(Event::Push, "https://dev.azure.com/contoso");
        assert_eq!(deliver(&app, &endpoint, Some(&password), p.body()).await.status(), 200);
    }
    // Three of them arrived 40 days ago: their (time-ordered) ids say so.
    let stored = nodes(&deliveries(&app, &id, None).await);
    let db = Database::connect(&app.config.database_url).await.expect("db");
    let long_ago = chrono::Utc::now() - chrono::Duration::days(40);
    for (n, node) in stored.iter().take(3).enumerate() {
        let (_, raw) = vcslink_api::domain::global_id::decode_any(node["id"].as_str().expect("id")).expect("global id");
        let old = vcslink_api::store::retention::first_id_at(long_ago + chrono::Duration::seconds(n as i64));
        // The old millisecond, this id's own version, variant and random bits.
        let old = format!("{}{}", &old[..13], &raw[13..]);
        let sql = format!("UPDATE webhook_deliveries SET id = '{old}' WHERE id = '{raw}'");
        db.execute_unprepared(&sql).await.expect("backdate");
    }
    let mut purged = 0;
    for _ in 0..100 {
        let body = app.gql(PURGED, json!({ "id": id })).await;
        purged = body["data"]["azureDevOpsIntegration"]["webhook"]["purgedDeliveries"].as_i64().unwrap_or(0);
        if purged == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(purged, 3, "the three old ones are counted");
    assert_eq!(deliveries(&app, &id, None).await["totalCount"], 2, "the newer ones stay");
}
on_both_backends!(deliveries_past_retention_are_purged_and_counted, super::purge_often);
