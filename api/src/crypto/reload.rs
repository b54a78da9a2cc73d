//! Keeps a running server's keyring in step with its key file: re-read every interval and on
//! SIGHUP, so a rotation done by `rotate-key` in another process is picked up without a restart.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::keyring::{Keyring, Reloaded};

/// Re-reads the key file behind `keyring` every `every` and on SIGHUP, until `stop` turns true.
pub fn spawn(keyring: Arc<Keyring>, every: Duration, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut hangup = hangups();
        loop {
            tokio::select! {
                _ = stop.changed() => return,
                _ = tokio::time::sleep(every) => {}
                _ = next(&mut hangup) => tracing::info!("SIGHUP: re-reading the key file"),
            }
            if *stop.borrow() {
                return;
            }
            match keyring.reload() {
                Ok(Reloaded::Changed { current }) => {
                    tracing::info!(current = %current, "new master keys in use: new secrets are sealed under the current one");
                }
                Ok(Reloaded::Unchanged) => {}
                Err(e) => tracing::warn!(error = %e, "re-reading the key file failed; the keys in use are kept"),
            }
        }
    })
}

#[cfg(unix)]
fn hangups() -> Option<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok()
}

#[cfg(not(unix))]
fn hangups() -> Option<()> {
    None
}

#[cfg(unix)]
async fn next(hangup: &mut Option<tokio::signal::unix::Signal>) {
    match hangup {
        Some(signal) => {
            signal.recv().await;
        }
        None => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn next(_: &mut Option<()>) {
    std::future::pending().await
}
