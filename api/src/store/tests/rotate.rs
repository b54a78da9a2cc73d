//! `store::rotate`: re-sealing is a compare-and-swap, so a row a running server rewrote between
//! the rotation's read and its update keeps what the server wrote.

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use secrecy::ExposeSecret;

use super::fixtures::{integration, keyring, tenant};
use super::on_both_backends;
use crate::crypto::{Aad, MasterKey};
use crate::store::integrations::{self, PAT, TABLE};
use crate::store::rotate;

async fn a_row_rewritten_during_the_rotation_is_not_reverted(db: &DatabaseConnection) {
    let (old, a) = (keyring(), tenant(db, "a").await);
    let row = integration(db, &old, &a).await;
    let new = old.rotated(MasterKey::generate());
    let read = rotate::stale_blobs(db, &new).await.expect("read");
    assert_eq!(read.len(), 2, "the PAT and the webhook password");

    // A server that has not learned the new key yet replaces the PAT meanwhile.
    let replaced = old.seal_str(&Aad::new(TABLE, PAT, row.id.clone()), "replaced-pat-0123456789");
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => "UPDATE integrations SET pat_sealed = $1 WHERE id = $2",
        _ => "UPDATE integrations SET pat_sealed = ? WHERE id = ?",
    };
    db.execute_raw(Statement::from_sql_and_values(backend, sql, [replaced.into(), row.id.clone().into()]))
        .await
        .expect("server write");

    let done = rotate::reseal(db, &new, &read).await.expect("reseal");
    assert_eq!((done.resealed, done.rewritten_meanwhile), (1, 1));
    let got = integrations::get(db, &a.id, &row.id).await.expect("get").expect("row");
    let pat = integrations::open_pat(&new, &got).expect("opens").expect("a PAT");
    assert_eq!(pat.expose_secret(), "replaced-pat-0123456789", "the server's write stands");

    // It still names the old key: counted, and re-sealed by the next pass.
    assert_eq!(rotate::count_stale(db, &new).await.expect("count"), 1);
    assert_eq!(rotate::reseal_stale(db, &new).await.expect("again").resealed, 1);
    assert_eq!(rotate::count_stale(db, &new).await.expect("count"), 0);
}
on_both_backends!(a_row_rewritten_during_the_rotation_is_not_reverted);
