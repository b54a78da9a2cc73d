//! Delivery retention: deliveries older than the retention window are deleted in small batches,
//! oldest first, each batch its own short write transaction, and each integration's
//! `purged_deliveries` counts what went. A delivery with a send still pending in the outbox is
//! kept until the send is done. Ids are time-ordered (UUIDv7), so "older than" is a range of the
//! primary key: no scan, no index of its own.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{automation_outbox as outbox, integration, webhook_delivery as delivery};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// The smallest delivery id made at `at`: every id below it is older (UUIDv7: 48 bits of unix
/// milliseconds, then the version and variant, every random bit zero here).
pub fn first_id_at(at: DateTime<Utc>) -> String {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    let mut least = [0u8; 16];
    least[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    least[6] = 0x70;
    least[8] = 0x80;
    uuid::Uuid::from_bytes(least).to_string()
}

/// Deletes at most `batch` deliveries received before `cutoff` (no pending send); returns how many.
pub async fn purge_batch(db: &impl ConnectionTrait, cutoff: DateTime<Utc>, batch: u64) -> Result<u64, DbErr> {
    let pending = Query::select()
        .column(outbox::Column::DeliveryId)
        .from(outbox::Entity)
        .and_where(Expr::col(outbox::Column::Status).eq(crate::store::outbox::PENDING))
        .to_owned();
    let old: Vec<(String, String)> = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Id)
        .column(delivery::Column::IntegrationId)
        .filter(delivery::Column::Id.lt(first_id_at(cutoff)))
        .filter(Expr::col(delivery::Column::Id).not_in_subquery(pending))
        .order_by_asc(delivery::Column::Id)
        .limit(batch)
        .into_tuple()
        .all(db)
        .await?;
    if old.is_empty() {
        return Ok(0);
    }
    let mut per_integration: HashMap<String, i64> = HashMap::new();
    for (_, integration_id) in &old {
        *per_integration.entry(integration_id.clone()).or_default() += 1;
    }
    let ids: Vec<String> = old.into_iter().map(|(id, _)| id).collect();
    let deleted = delivery::Entity::delete_many().filter(delivery::Column::Id.is_in(ids)).exec(db).await?.rows_affected;
    for (integration_id, n) in per_integration {
        integration::Entity::update_many()
            .col_expr(integration::Column::PurgedDeliveries, Expr::col(integration::Column::PurgedDeliveries).add(n))
            .filter(integration::Column::Id.eq(integration_id))
            .exec(db)
            .await?;
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_id_of_a_moment_sorts_below_every_later_id_and_above_earlier_ones() {
        let at = Utc::now() - chrono::Duration::days(30);
        let first = first_id_at(at);
        let later = uuid::Uuid::new_v7(uuid::Timestamp::from_unix(uuid::NoContext, (at.timestamp() + 1) as u64, 0));
        let earlier = uuid::Uuid::new_v7(uuid::Timestamp::from_unix(uuid::NoContext, (at.timestamp() - 1) as u64, 0));
        assert!(first.as_str() < later.to_string().as_str(), "{first} < {later}");
        assert!(first.as_str() > earlier.to_string().as_str(), "{first} > {earlier}");
        assert!(first.as_str() < crate::store::new_id().as_str());
    }
}
