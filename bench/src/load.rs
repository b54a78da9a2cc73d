//! A closed-loop HTTP load generator: `concurrency` workers over keep-alive connections, a warm-up,
//! then a fixed measured duration; latencies kept whole for exact percentiles.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

/// One request to repeat.
#[derive(Clone)]
pub struct Shot {
    pub url: String,
    pub token: Option<String>,
    /// POST this JSON body when set, else GET.
    pub body: Option<Value>,
    /// HTTP Basic password (webhook deliveries), instead of a bearer token.
    pub basic: Option<String>,
    /// Give every request a fresh top-level `id` (so webhook deliveries are not duplicates).
    pub fresh_id: bool,
}

/// A shot's body, serialized once: the generator should cost the server's cores as little as it can.
enum Body {
    None,
    Fixed(String),
    /// The JSON around a fresh `id` string.
    FreshId {
        before: String,
        after: String,
    },
}

impl Body {
    fn of(shot: &Shot) -> Body {
        const MARK: &str = "__bench_fresh_id__";
        match &shot.body {
            None => Body::None,
            Some(b) if shot.fresh_id => {
                let mut b = b.clone();
                b["id"] = Value::from(MARK);
                let text = b.to_string();
                let (before, after) = text.split_once(MARK).expect("the mark is in the body");
                Body::FreshId { before: before.to_owned(), after: after.to_owned() }
            }
            Some(b) => Body::Fixed(b.to_string()),
        }
    }
}

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// What a run measured.
#[derive(Clone, Debug, Default)]
pub struct Measured {
    pub requests: u64,
    pub errors: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl Measured {
    /// Runs of equal length taken together: mean rate and median, worst p99.
    pub fn mean(runs: &[Measured]) -> Measured {
        let n = runs.len().max(1) as f64;
        Measured {
            requests: runs.iter().map(|r| r.requests).sum(),
            errors: runs.iter().map(|r| r.errors).sum(),
            per_second: runs.iter().map(|r| r.per_second).sum::<f64>() / n,
            p50_ms: runs.iter().map(|r| r.p50_ms).sum::<f64>() / n,
            p99_ms: runs.iter().map(|r| r.p99_ms).fold(0.0, f64::max),
        }
    }

    /// Successful requests per second.
    pub fn ok_per_second(&self) -> f64 {
        if self.requests == 0 {
            return 0.0;
        }
        self.per_second * (self.requests - self.errors.min(self.requests)) as f64 / self.requests as f64
    }
}

pub async fn run(
    client: &reqwest::Client,
    shots: Vec<Shot>,
    concurrency: usize,
    warmup: Duration,
    duration: Duration,
) -> Measured {
    let shots = Arc::new(shots);
    let _ = drive(client, shots.clone(), concurrency, warmup).await;
    let (latencies, errors, elapsed) = drive(client, shots, concurrency, duration).await;
    summarize(latencies, errors, elapsed)
}

/// Sends exactly about `total` requests (no warm-up), for counting what they cost.
pub async fn run_count(client: &reqwest::Client, shots: Vec<Shot>, concurrency: usize, total: u64) -> Measured {
    let (latencies, errors, elapsed) = drive_until(client, Arc::new(shots), concurrency, None, Some(total)).await;
    summarize(latencies, errors, elapsed)
}

async fn drive(
    client: &reqwest::Client,
    shots: Arc<Vec<Shot>>,
    concurrency: usize,
    duration: Duration,
) -> (Vec<u32>, u64, Duration) {
    drive_until(client, shots, concurrency, Some(duration), None).await
}

async fn drive_until(
    client: &reqwest::Client,
    shots: Arc<Vec<Shot>>,
    concurrency: usize,
    duration: Option<Duration>,
    total: Option<u64>,
) -> (Vec<u32>, u64, Duration) {
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let started = Instant::now();
    let bodies: Arc<Vec<Body>> = Arc::new(shots.iter().map(Body::of).collect());
    let mut workers = Vec::new();
    for w in 0..concurrency {
        let (client, shots, bodies, stop, sent) =
            (client.clone(), shots.clone(), bodies.clone(), stop.clone(), sent.clone());
        workers.push(tokio::spawn(async move {
            let (mut lat, mut errors, mut i) = (Vec::with_capacity(16_384), 0u64, w);
            while !stop.load(Ordering::Relaxed) {
                if total.is_some_and(|t| sent.fetch_add(1, Ordering::Relaxed) >= t) {
                    break;
                }
                let (shot, body) = (&shots[i % shots.len()], &bodies[i % shots.len()]);
                i += 1;
                let t = Instant::now();
                let mut req = match body {
                    Body::None => client.get(&shot.url),
                    Body::Fixed(b) => client.post(&shot.url).body(b.clone()),
                    Body::FreshId { before, after } => {
                        let id = format!("bench-{}-{}", std::process::id(), NEXT_ID.fetch_add(1, Ordering::Relaxed));
                        client.post(&shot.url).body([before.as_str(), &id, after.as_str()].concat())
                    }
                };
                if !matches!(body, Body::None) {
                    req = req.header(reqwest::header::CONTENT_TYPE, "application/json");
                }
                if let Some(tok) = &shot.token {
                    req = req.bearer_auth(tok);
                }
                if let Some(pw) = &shot.basic {
                    req = req.basic_auth("ado-hook", Some(pw));
                }
                let ok = match req.send().await {
                    Ok(r) => {
                        r.status().is_success()
                            && r.bytes().await.is_ok_and(|b| !b.windows(9).any(|w| w == b"\"errors\":"))
                    }
                    Err(_) => false,
                };
                lat.push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                if !ok {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    if let Some(d) = duration {
        tokio::time::sleep(d).await;
        stop.store(true, Ordering::Relaxed);
    }
    let (mut all, mut errors) = (Vec::new(), 0);
    for w in workers {
        if let Ok((lat, e)) = w.await {
            all.extend(lat);
            errors += e;
        }
    }
    (all, errors, started.elapsed())
}

fn summarize(mut lat: Vec<u32>, errors: u64, elapsed: Duration) -> Measured {
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1))).copied().unwrap_or(0) as f64
            / 1000.0
    };
    Measured {
        requests: lat.len() as u64,
        errors,
        per_second: lat.len() as f64 / elapsed.as_secs_f64(),
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
    }
}
