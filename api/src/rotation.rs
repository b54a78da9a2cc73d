//! `rotate-key`: a master-key rotation in two steps that a running server survives.
//!
//! 1. `rotate-key` checks that every secret opens, puts a new key in front of the key file (the
//!    previous ones stay), and re-seals every secret under it. Running servers learn the new key
//!    at once for a blob sealed under it, and seal with it after their next reload
//!    (`VCSLINK_KEY_RELOAD_SECONDS`, or SIGHUP).
//! 2. `rotate-key --finish` waits until every running server has had a reload since the rotation,
//!    re-seals what a server sealed under the previous key meanwhile, and drops the previous keys
//!    only when no secret names them; otherwise it says how many still do.
//!
//! With `VCSLINK_MASTER_KEY` the keys come from the environment, which a running process cannot
//! change: `rotate-key` re-seals under it, `--finish` says when `VCSLINK_MASTER_KEY_OLD` may go.

use std::time::Duration;

use crate::app;
use crate::config::Config;
use crate::crypto::{KeyFile, Keyring, MasterKey};
use crate::store::rotate::{self, Resealed};

/// The first step: a new current key, every secret re-sealed under it; returns what to print.
pub async fn rotate(config: &Config) -> Result<String, String> {
    let db = app::open_database(config).await.map_err(|e| e.to_string())?;
    if config.master_key.is_some() {
        let keyring = app::load_keyring(config).map_err(|e| e.to_string())?;
        rotate::check_all(&db, &keyring).await.map_err(|e| format!("{e}; nothing was changed"))?;
        let done = rotate::reseal_stale(&db, &keyring).await.map_err(|e| e.to_string())?;
        return Ok(format!(
            "{}; when every replica runs with this VCSLINK_MASTER_KEY, run `vcslink rotate-key --finish`",
            resealed(&done, &keyring)
        ));
    }
    let file = KeyFile::new(config.key_file());
    let old = file.load().map_err(|e| e.to_string())?;
    let count = rotate::check_all(&db, &old)
        .await
        .map_err(|e| format!("{e}; nothing was changed, every secret stays sealed under the old key"))?;
    let new_key = MasterKey::generate();
    let keyring = old.rotated(new_key);
    let keys = keyring.keys();
    file.write_rotation(&keys.iter().collect::<Vec<_>>(), chrono::Utc::now()).map_err(|e| e.to_string())?;
    let done = rotate::reseal_stale(&db, &keyring)
        .await
        .map_err(|e| format!("{e}; the key file holds the new and the previous keys, so every secret still opens"))?;
    Ok(format!(
        "checked {count} secrets; {}. The previous key stays in {} until `vcslink rotate-key --finish`, \
         which drops it once no secret names it (running servers seal with the new key within {} s, or at once on SIGHUP)",
        resealed(&done, &keyring),
        file.path().display(),
        config.key_reload_interval.as_secs()
    ))
}

/// The second step: re-seal the stragglers and drop the previous keys when none is left.
pub async fn finish(config: &Config) -> Result<String, String> {
    let db = app::open_database(config).await.map_err(|e| e.to_string())?;
    let file = (config.master_key.is_none()).then(|| KeyFile::new(config.key_file()));
    if let Some(file) = &file {
        wait_for_reloads(file, config.key_reload_interval).await?;
    }
    let keyring = match &file {
        Some(file) => file.load().map_err(|e| e.to_string())?,
        None => app::load_keyring(config).map_err(|e| e.to_string())?,
    };
    let done = rotate::reseal_stale(&db, &keyring).await.map_err(|e| e.to_string())?;
    let stale = rotate::count_stale(&db, &keyring).await.map_err(|e| e.to_string())?;
    if stale > 0 {
        return Err(format!(
            "{stale} secrets still name a previous key (a server sealed them while this ran); the previous keys \
             are kept: run `vcslink rotate-key --finish` again"
        ));
    }
    let previous = keyring.previous();
    let current = keyring.current();
    match file {
        Some(file) if previous.is_empty() => Ok(format!(
            "{}; {} holds only key {}",
            resealed(&done, &keyring),
            file.path().display(),
            current.key_id_hex()
        )),
        Some(file) => {
            file.write_atomic(&[&current]).map_err(|e| e.to_string())?;
            Ok(format!(
                "{}; no secret names the previous keys ({}), dropped from {}",
                resealed(&done, &keyring),
                ids(&previous),
                file.path().display()
            ))
        }
        None if previous.is_empty() => Ok(resealed(&done, &keyring)),
        None => Ok(format!(
            "{}; no secret names VCSLINK_MASTER_KEY_OLD (key {}): remove it from every replica",
            resealed(&done, &keyring),
            ids(&previous)
        )),
    }
}

/// Waits until running servers have all re-read the key file since the rotation (one reload
/// interval and a second), so none is still sealing under the previous key.
async fn wait_for_reloads(file: &KeyFile, interval: Duration) -> Result<(), String> {
    let Some(rotated_at) = file.rotated_at().map_err(|e| e.to_string())? else { return Ok(()) };
    let ready = rotated_at + interval + Duration::from_secs(1);
    let left = (ready - chrono::Utc::now()).to_std().unwrap_or_default();
    if !left.is_zero() {
        eprintln!("waiting {} s for running servers to learn the new key", left.as_secs() + 1);
        tokio::time::sleep(left).await;
    }
    Ok(())
}

fn resealed(done: &Resealed, keyring: &Keyring) -> String {
    let mut text = format!("re-sealed {} secrets under key {}", done.resealed, keyring.current().key_id_hex());
    if done.rewritten_meanwhile > 0 {
        text.push_str(&format!(
            " ({} rewritten by a running server meanwhile, left as written)",
            done.rewritten_meanwhile
        ));
    }
    text
}

fn ids(keys: &[MasterKey]) -> String {
    keys.iter().map(MasterKey::key_id_hex).collect::<Vec<_>>().join(", ")
}
