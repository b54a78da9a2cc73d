//! Calls in flight per integration: a semaphore each, so one integration's burst of reads (a wide
//! query, many users at once) waits its turn instead of spending the organization's Azure DevOps
//! quota all at once, and other integrations' calls never queue behind it.

use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Integrations held at once; an idle one's semaphore is forgotten after 10 minutes (one evicted
/// while in use only lets a few more calls out, once).
const MAX_INTEGRATIONS: u64 = 100_000;
const IDLE: Duration = Duration::from_secs(600);

#[derive(Clone)]
pub struct InFlight {
    per_integration: usize,
    semaphores: Cache<String, Arc<Semaphore>>,
}

/// One call's turn; dropping it lets the next waiting call go.
pub struct Turn(#[allow(dead_code)] OwnedSemaphorePermit);

impl InFlight {
    pub fn new(per_integration: u32) -> InFlight {
        InFlight {
            per_integration: per_integration.max(1) as usize,
            semaphores: Cache::builder().max_capacity(MAX_INTEGRATIONS).time_to_idle(IDLE).build(),
        }
    }

    pub async fn turn(&self, integration_id: &str) -> Turn {
        let semaphore =
            self.semaphores.get_with_by_ref(integration_id, || Arc::new(Semaphore::new(self.per_integration)));
        // The semaphore is never closed.
        Turn(semaphore.acquire_owned().await.expect("an open semaphore"))
    }
}

#[cfg(test)]
mod tests {
    use futures::FutureExt;

    use super::*;

    #[tokio::test]
    async fn an_integration_has_at_most_its_turns_out_and_others_are_not_held_up() {
        let limit = InFlight::new(2);
        let (a1, _a2) = (limit.turn("a").await, limit.turn("a").await);
        assert!(limit.turn("a").now_or_never().is_none(), "a third call of the same integration waits");
        assert!(limit.turn("b").now_or_never().is_some(), "another integration's call goes at once");
        drop(a1);
        assert!(limit.turn("a").now_or_never().is_some(), "a returned turn lets the next call go");
    }
}
