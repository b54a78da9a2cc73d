//! (g) The anonymous webhook flood (issue 17): random webhook URLs and wrong passwords from random
//! addresses, at high concurrency, while Azure DevOps' real deliveries arrive at a steady rate from
//! an address of their own. Real deliveries must all be acknowledged, their p99 must stay within 2×
//! of the same deliveries without the flood, and the process must not keep what the flood cost.
//!
//! The server runs with the edge as shipped (per-integration bucket and failure budget at their
//! defaults) behind a trusted proxy, `VCSLINK_TRUSTED_PROXIES=127.0.0.1/32`: every request reaches
//! it over loopback and names its client in `X-Forwarded-For`, the way a load balancer would. Phases
//! alternate (unloaded, flooded, unloaded, flooded…) so a noisy neighbour slows both alike.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use fake_azure::FakeAzure;
use serde_json::Value;
use vcslink_api::config::Config;

use crate::memory;
use crate::report::Row;

/// The address Azure DevOps' deliveries come from (a documentation range, never drawn by the flood).
const AZURE_DEVOPS: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 10);

/// How big the flood is and how it is cut into phases.
pub struct Plan {
    /// Requests to random UUID webhook URLs (no such integration).
    pub random_urls: u64,
    /// Requests to the real integration's URL with a wrong password.
    pub wrong_passwords: u64,
    /// Flooded phases, each with an unloaded phase before it; the flood is split evenly among them.
    pub rounds: u32,
    /// Flood connections sending at once.
    pub concurrency: usize,
    /// Real deliveries per second, in every phase.
    pub real_per_second: u32,
    /// Length of each unloaded phase (a flooded phase lasts as long as its share of the flood).
    pub unloaded: Duration,
}

impl Plan {
    pub fn new(quick: bool) -> Plan {
        if quick {
            Plan {
                random_urls: 2_000,
                wrong_passwords: 200,
                rounds: 2,
                concurrency: 64,
                real_per_second: 50,
                unloaded: Duration::from_millis(500),
            }
        } else {
            Plan {
                random_urls: 50_000,
                wrong_passwords: 5_000,
                rounds: 4,
                concurrency: 256,
                real_per_second: 100,
                unloaded: Duration::from_secs(2),
            }
        }
    }
}

/// Runs the scenario on a server of its own (its SQLite database under `dir`); returns its rows.
pub async fn run(fake: &FakeAzure, dir: &Path, plan: &Plan) -> Vec<Row> {
    let admin = reqwest::Client::new();
    let defaults = Config::with_data_dir(dir.join("flood-data"));
    let mut config = crate::server::config(dir.join("flood-data"), fake);
    config.webhook_rate_limit = defaults.webhook_rate_limit;
    config.webhook_auth_failure_limit = defaults.webhook_auth_failure_limit;
    config.trusted_proxies = vec!["127.0.0.1/32".parse().expect("CIDR")];
    let (server, _) = crate::server::start(config, &admin).await;
    let hook = crate::hook_shot(&admin, &server.gql, fake).await;
    let real = Real::new(&hook);
    let flood = Flood::new(&hook, plan.concurrency);

    // Warm-up: real deliveries only, so caches and connections are in place before anything counts.
    let _ = real.during(plan.real_per_second, tokio::time::sleep(plan.unloaded)).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let rss_before = memory::rss_mib();
    eprintln!("RSS before the flood: {rss_before:.1} MiB");

    let (mut unloaded, mut flooded) = (Deliveries::default(), Deliveries::default());
    let mut answers: BTreeMap<u16, u64> = BTreeMap::new();
    let (mut flood_sent, mut flood_time) = (0u64, Duration::ZERO);
    let per_round = |total: u64, round: u32| {
        total / u64::from(plan.rounds) + u64::from(u64::from(round) < total % u64::from(plan.rounds))
    };
    for round in 0..plan.rounds {
        unloaded.extend(real.during(plan.real_per_second, tokio::time::sleep(plan.unloaded)).await.0);
        let (random, wrong) = (per_round(plan.random_urls, round), per_round(plan.wrong_passwords, round));
        let started = Instant::now();
        let (deliveries, counts) = real.during(plan.real_per_second, flood.send(random, wrong)).await;
        flood_time += started.elapsed();
        flood_sent += random + wrong;
        flooded.extend(deliveries);
        for (status, n) in counts {
            *answers.entry(status).or_default() += n;
        }
        eprintln!("RSS after flooded phase {}: {:.1} MiB", round + 1, memory::rss_mib());
    }
    drop(flood);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_growth = memory::rss_mib() - rss_before;
    server.stop().await;

    let (base, load) = (unloaded.p99_ms(), flooded.p99_ms());
    let mut rows = vec![
        Row::at_most(
            "g",
            &format!(
                "real deliveries' p99 during the flood / unloaded ({load:.1} vs {base:.1} ms, {} vs {} deliveries)",
                flooded.latencies.len(),
                unloaded.latencies.len()
            ),
            load / base.max(0.001),
            2.0,
        ),
        Row::at_most(
            "g",
            "real deliveries not acknowledged (not 200), both phases",
            (flooded.not_acknowledged + unloaded.not_acknowledged) as f64,
            0.0,
        ),
        Row::at_most("g", "RSS growth across the flood (MiB)", rss_growth, 10.0),
        Row::info(
            "g",
            &format!(
                "flood requests/s ({} random URLs, {} wrong passwords, {} connections)",
                plan.random_urls, plan.wrong_passwords, plan.concurrency
            ),
            flood_sent as f64 / flood_time.as_secs_f64().max(0.001),
        ),
    ];
    for (status, n) in answers {
        let what = match status {
            0 => "flood requests without an answer (connection error)".to_owned(),
            s => format!("flood requests answered {s}"),
        };
        rows.push(Row::info("g", &what, n as f64));
    }
    rows
}

/// Latencies of real deliveries (µs) and how many were not answered 200.
#[derive(Default)]
struct Deliveries {
    latencies: Vec<u32>,
    not_acknowledged: u64,
}

impl Deliveries {
    fn extend(&mut self, other: Deliveries) {
        self.latencies.extend(other.latencies);
        self.not_acknowledged += other.not_acknowledged;
    }

    fn p99_ms(&mut self) -> f64 {
        self.latencies.sort_unstable();
        let i = ((self.latencies.len() as f64 * 0.99) as usize).min(self.latencies.len().saturating_sub(1));
        self.latencies.get(i).copied().unwrap_or(0) as f64 / 1000.0
    }
}

/// Azure DevOps: push deliveries with the right password, a fresh event id each, at a steady rate
/// (open loop: a slow answer does not delay the next delivery, so it cannot hide in the figures).
struct Real {
    client: reqwest::Client,
    url: String,
    password: String,
    body: Value,
    next: AtomicU64,
}

impl Real {
    fn new(hook: &crate::load::Shot) -> Real {
        Real {
            client: reqwest::Client::builder().pool_max_idle_per_host(16).build().expect("client"),
            url: hook.url.clone(),
            password: hook.basic.clone().expect("the hook shot has a password"),
            body: hook.body.clone().expect("the hook shot has a body"),
            next: AtomicU64::new(0),
        }
    }

    /// Delivers `per_second` until `until` completes; returns what the deliveries met and its output.
    async fn during<T>(&self, per_second: u32, until: impl Future<Output = T>) -> (Deliveries, T) {
        let mut tick = tokio::time::interval(Duration::from_secs(1) / per_second.max(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        let mut sent = Vec::new();
        tokio::pin!(until);
        let out = loop {
            tokio::select! {
                out = &mut until => break out,
                _ = tick.tick() => sent.push(tokio::spawn(self.deliver())),
            }
        };
        let mut d = Deliveries::default();
        for s in sent {
            match s.await {
                Ok((latency, true)) => d.latencies.push(latency),
                Ok((latency, false)) => {
                    d.latencies.push(latency);
                    d.not_acknowledged += 1;
                }
                Err(_) => d.not_acknowledged += 1,
            }
        }
        (d, out)
    }

    /// One delivery: (latency in µs, answered 200).
    fn deliver(&self) -> impl Future<Output = (u32, bool)> + Send + 'static {
        let mut body = self.body.clone();
        body["id"] =
            Value::from(format!("flood-real-{}-{}", std::process::id(), self.next.fetch_add(1, Ordering::Relaxed)));
        let req = self
            .client
            .post(&self.url)
            .basic_auth("ado-hook", Some(&self.password))
            .header("x-forwarded-for", AZURE_DEVOPS.to_string())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string());
        async move {
            let t = Instant::now();
            let ok = match req.send().await {
                Ok(r) => r.status() == reqwest::StatusCode::OK && r.bytes().await.is_ok(),
                Err(_) => false,
            };
            (t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32, ok)
        }
    }
}

/// The attacker: closed-loop connections sending as fast as they are answered, each request from a
/// fresh random address.
struct Flood {
    client: reqwest::Client,
    base: String,
    real_url: String,
    body: Arc<String>,
    concurrency: usize,
    seed: AtomicU64,
}

impl Flood {
    fn new(hook: &crate::load::Shot, concurrency: usize) -> Flood {
        let base = hook.url.rsplit_once('/').expect("an endpoint ends in its id").0.to_owned();
        Flood {
            client: reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().expect("client"),
            base,
            real_url: hook.url.clone(),
            body: Arc::new(hook.body.as_ref().map(Value::to_string).unwrap_or_default()),
            concurrency,
            seed: AtomicU64::new(
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
                    | 1,
            ),
        }
    }

    /// Sends `random` requests to random UUID URLs and `wrong` to the real URL with a wrong
    /// password, mixed evenly; returns how many got each status (0: no answer).
    fn send(&self, random: u64, wrong: u64) -> impl Future<Output = BTreeMap<u16, u64>> + 'static {
        let total = random + wrong;
        let taken = Arc::new(AtomicU64::new(0));
        let workers: Vec<_> = (0..self.concurrency)
            .map(|w| {
                let (client, base, real_url, body, taken) =
                    (self.client.clone(), self.base.clone(), self.real_url.clone(), self.body.clone(), taken.clone());
                let mut rng = Rng(self.seed.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ ((w as u64) << 32));
                tokio::spawn(async move {
                    let mut counts = BTreeMap::<u16, u64>::new();
                    loop {
                        let n = taken.fetch_add(1, Ordering::Relaxed);
                        if n >= total {
                            break;
                        }
                        // Wrong passwords spread evenly through the flood.
                        let wrong_one = wrong > 0 && (n * wrong) / total != ((n + 1) * wrong) / total;
                        let url = if wrong_one { real_url.clone() } else { format!("{base}/{}", rng.uuid()) };
                        let req = client
                            .post(url)
                            .basic_auth("ado-hook", Some(format!("guess-{:016x}", rng.next())))
                            .header("x-forwarded-for", rng.address().to_string())
                            .header(reqwest::header::CONTENT_TYPE, "application/json")
                            .body(body.as_str().to_owned());
                        let status = match req.send().await {
                            Ok(r) => {
                                let s = r.status().as_u16();
                                let _ = r.bytes().await;
                                s
                            }
                            Err(_) => 0,
                        };
                        *counts.entry(status).or_default() += 1;
                    }
                    counts
                })
            })
            .collect();
        async move {
            let mut all = BTreeMap::new();
            for w in workers {
                if let Ok(counts) = w.await {
                    for (s, n) in counts {
                        *all.entry(s).or_default() += n;
                    }
                }
            }
            all
        }
    }
}

/// xorshift64*: random enough for URLs and addresses, and no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A random version-4 UUID, as text.
    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        let v = (u128::from(a) << 64 | u128::from(b)) & !(0xF000u128 << 64) | (0x4000u128 << 64);
        let v = v & !(0xC000u128 << 48) | (0x8000u128 << 48);
        let h = format!("{v:032x}");
        format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
    }

    /// A random public-looking IPv4 address: never loopback (the trusted proxy) nor Azure DevOps'.
    fn address(&mut self) -> Ipv4Addr {
        loop {
            let a = Ipv4Addr::from((self.next() >> 32) as u32);
            if !a.is_loopback() && !a.is_unspecified() && a != AZURE_DEVOPS {
                return a;
            }
        }
    }
}
