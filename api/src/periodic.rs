//! The wait of every background loop: sleep `every`, or stop as soon as `stop` turns true.

use std::time::Duration;

use tokio::sync::watch;

/// Waits `every`; false once `stop` is (or turns) true, so a loop is `while tick(..).await { .. }`.
pub async fn tick(stop: &mut watch::Receiver<bool>, every: Duration) -> bool {
    tokio::select! {
        _ = stop.changed() => {}
        _ = tokio::time::sleep(every) => {}
    }
    !*stop.borrow()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn it_ticks_until_stopped_and_stops_at_once() {
        let (tx, mut rx) = watch::channel(false);
        assert!(tick(&mut rx, Duration::from_millis(1)).await);
        tx.send(true).unwrap();
        let started = std::time::Instant::now();
        assert!(!tick(&mut rx, Duration::from_secs(3600)).await);
        assert!(started.elapsed() < Duration::from_secs(60), "a stop does not wait for the sleep");
    }
}
