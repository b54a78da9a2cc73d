//! Requests in flight per organization, and the most seen at once: what a client's per-integration
//! concurrency limit is checked against.

use crate::Shared;

/// Counts one request of `org` while it is alive.
pub struct InFlight<'a> {
    shared: &'a Shared,
    org: String,
}

impl<'a> InFlight<'a> {
    pub fn enter(shared: &'a Shared, org: &str) -> InFlight<'a> {
        let mut world = shared.lock();
        let now = world.in_flight.entry(org.to_owned()).or_default();
        *now += 1;
        let now = *now;
        let most = world.most_in_flight.entry(org.to_owned()).or_default();
        *most = (*most).max(now);
        InFlight { shared, org: org.to_owned() }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Some(n) = self.shared.lock().in_flight.get_mut(&self.org) {
            *n = n.saturating_sub(1);
        }
    }
}

impl crate::FakeAzure {
    /// The most requests to `org` the fake has had in flight at once (since the last reset).
    pub fn most_in_flight(&self, org: &str) -> usize {
        self.shared().lock().most_in_flight.get(&org.to_ascii_lowercase()).copied().unwrap_or(0)
    }

    pub fn reset_most_in_flight(&self) {
        self.shared().lock().most_in_flight.clear();
    }
}
