//! The webhook edge: what a delivery meets before it costs anything.
//!
//! - An id that is not a UUID is refused before any lookup.
//! - Failed authentications are counted per source address. An address over its budget is
//!   throttled (503 with `Retry-After`): from then on only a delivery the integration cache already
//!   vouches for (the right password for a recently seen integration) gets through, and nothing it
//!   sends reaches the database.
//! - Only authenticated deliveries count against their integration's bucket, so a flood on a
//!   known id cannot spend the budget Azure DevOps' real deliveries need.
//!
//! Every key set here is bounded and forgets ([`KeyedLimit`], a capped expiring cache): a loop of
//! random URLs or addresses leaves memory where it was.
//!
//! The source address is the TCP peer; behind proxies listed in `VCSLINK_TRUSTED_PROXIES`, the
//! right-most `X-Forwarded-For` address that is not one of them.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use ipnet::IpNet;

use crate::keyed_limit::KeyedLimit;

/// Addresses (failure counters) and throttled addresses held at most.
const MAX_ADDRESSES: usize = 100_000;
/// Integrations (delivery buckets) held at most.
const MAX_INTEGRATIONS: usize = 100_000;
/// The longest an address stays throttled after its last refused attempt.
const MAX_THROTTLE: Duration = Duration::from_secs(60);

/// The webhook edge's limits, one per process.
#[derive(Clone)]
pub struct Edge {
    failures: KeyedLimit<IpAddr>,
    throttled: moka::sync::Cache<IpAddr, Instant>,
    deliveries: KeyedLimit<String>,
    trusted_proxies: Arc<Vec<IpNet>>,
}

impl Edge {
    /// `deliveries_per_second` per integration (burst 2×), `failures_per_second` per address
    /// (burst 10×); 0 turns either off.
    pub fn new(deliveries_per_second: u32, failures_per_second: u32, trusted_proxies: Vec<IpNet>) -> Edge {
        Edge {
            failures: KeyedLimit::new(failures_per_second, failures_per_second.saturating_mul(10), MAX_ADDRESSES),
            throttled: moka::sync::Cache::builder()
                .max_capacity(MAX_ADDRESSES as u64)
                .time_to_live(MAX_THROTTLE)
                .build(),
            deliveries: KeyedLimit::new(
                deliveries_per_second,
                deliveries_per_second.saturating_mul(2),
                MAX_INTEGRATIONS,
            ),
            trusted_proxies: Arc::new(trusted_proxies),
        }
    }

    /// Where the request comes from: the peer, or behind trusted proxies the client they name.
    pub fn source(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer?.ip();
        if !self.trusts(peer) {
            return Some(peer);
        }
        let forwarded = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
        let mut hops: Vec<IpAddr> =
            forwarded.flat_map(|v| v.split(',')).filter_map(|a| a.trim().parse::<IpAddr>().ok()).collect();
        hops.reverse();
        Some(hops.into_iter().find(|a| !self.trusts(*a)).unwrap_or(peer))
    }

    fn trusts(&self, addr: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|net| net.contains(&addr))
    }

    /// How long `source` is still throttled; `None` when it is not.
    pub fn throttled(&self, source: IpAddr) -> Option<Duration> {
        let until = self.throttled.get(&source)?;
        until.checked_duration_since(Instant::now()).filter(|d| !d.is_zero())
    }

    /// Counts a failed authentication from `source`; over its budget, it is throttled.
    pub fn failed(&self, source: IpAddr) {
        if let Err(wait) = self.failures.check(&source) {
            let wait = wait.clamp(Duration::from_secs(1), MAX_THROTTLE);
            self.throttled.insert(source, Instant::now() + wait);
        }
    }

    /// Takes one authenticated delivery from the integration's bucket; `Err(wait)` when spent.
    pub fn delivery(&self, integration_id: &str) -> Result<(), Duration> {
        self.deliveries.check(&integration_id.to_owned())
    }

    /// Keys held now: (failure counters, throttled addresses, delivery buckets).
    pub fn held(&self) -> (usize, u64, usize) {
        self.throttled.run_pending_tasks();
        (self.failures.len(), self.throttled.entry_count(), self.deliveries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(a: &str) -> Option<SocketAddr> {
        Some(SocketAddr::new(a.parse().expect("address"), 40000))
    }

    #[test]
    fn an_address_over_its_failure_budget_is_throttled_alone() {
        let edge = Edge::new(10, 1, vec![]);
        let (bad, good): (IpAddr, IpAddr) = ("203.0.113.9".parse().unwrap(), "198.51.100.1".parse().unwrap());
        for _ in 0..10 {
            edge.failed(bad);
        }
        assert!(edge.throttled(bad).is_none(), "the burst is 10x");
        edge.failed(bad);
        let wait = edge.throttled(bad).expect("throttled");
        assert!(wait <= MAX_THROTTLE);
        assert!(edge.throttled(good).is_none());
    }

    #[test]
    fn a_hundred_thousand_failing_addresses_stay_bounded() {
        let edge = Edge::new(10, 1, vec![]);
        for i in 0..100_000u32 {
            edge.failed(IpAddr::from(i.to_be_bytes()));
        }
        let (failures, throttled, deliveries) = edge.held();
        assert!(failures <= MAX_ADDRESSES && throttled <= MAX_ADDRESSES as u64, "{failures} {throttled}");
        assert_eq!(deliveries, 0, "failures never touch an integration's bucket");
    }

    #[test]
    fn the_client_behind_a_trusted_proxy_is_the_source() {
        let edge = Edge::new(10, 1, vec!["10.0.0.0/8".parse().unwrap()]);
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "198.51.100.7, 10.1.2.3".parse().unwrap());
        assert_eq!(edge.source(peer("10.0.0.1"), &h), Some("198.51.100.7".parse().unwrap()));
        assert_eq!(edge.source(peer("192.0.2.1"), &h), Some("192.0.2.1".parse().unwrap()), "untrusted peer: itself");
        assert_eq!(edge.source(peer("10.0.0.1"), &HeaderMap::new()), Some("10.0.0.1".parse().unwrap()));
        h.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(edge.source(peer("10.0.0.1"), &h), Some("10.0.0.1".parse().unwrap()));
    }
}
