//! `cargo run --release -p vcslink-bench -- [--quick]`: vcslink measured against baselines of its own
//! stack in one run (ratios, not absolute numbers: these machines are shared and noisy).

mod allow_list;
mod bare;
mod baseline;
mod flood;
mod lists;
mod load;
mod memory;
mod postgres;
mod report;
mod rows;
mod server;

use std::time::Duration;

use fake_azure::{DEFAULT_PAT, FakeAzure};
use load::Shot;
use report::Row;
use serde_json::{Value, json};
use server::{ADMIN, Server};

struct Plan {
    warmup: Duration,
    duration: Duration,
    concurrency: usize,
    token_requests: u64,
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let plan = if quick {
        Plan {
            warmup: Duration::from_millis(300),
            duration: Duration::from_secs(2),
            concurrency: 16,
            token_requests: 10_000,
        }
    } else {
        Plan {
            warmup: Duration::from_secs(1),
            duration: Duration::from_secs(8),
            concurrency: 16,
            token_requests: 100_000,
        }
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let fake = FakeAzure::start().await;
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build().expect("client");
    let config = server::config(tmp.path().join("data"), &fake);

    // (f) The first start creates the database; the measured one opens the existing database.
    drop(vcslink_api::app::App::build(config.clone()).await.expect("first start"));
    let (server, ready_ms) = server::start(config, &client).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle_rss = memory::rss_mib();
    let mut peaks = memory::Peaks::default();
    peaks.mark("start");

    // `--ingest-only`: scenario (c) on SQLite alone, to profile it (`perf record -g -- <bench> --ingest-only`).
    if std::env::args().any(|a| a == "--ingest-only") {
        let hook = hook_shot(&client, &server.gql, &fake).await;
        report::table(&[ingest(&client, &server, &hook, &plan, "SQLite").await]);
        return;
    }
    // `--flood-only`: scenario (g) alone.
    if std::env::args().any(|a| a == "--flood-only") {
        report::table(&flood::run(&fake, tmp.path(), &flood::Plan::new(quick)).await);
        return;
    }
    let gql = server.gql.clone();
    let db = server.db.clone();
    let integration_id = seed(&client, &gql, &fake).await;
    let plain_url = baseline::serve(db.clone()).await;
    let mut rows = Vec::new();
    peaks.mark("seed");
    // `--list-only`: (a) alone, to profile it (`perf record -g -- <bench> --list-only`);
    // `--lists-only`: (a) and (L).
    let list_only = std::env::args().any(|a| a == "--list-only");
    if list_only || std::env::args().any(|a| a == "--lists-only") {
        let (plain, _, mut rows) = lists::against_baselines(&client, &server, &plain_url, &plan).await;
        if !list_only {
            rows.extend(grown(&client, &server, &fake, tmp.path(), quick, &plan).await);
        }
        report::print(&rows, &plain, quick);
        return;
    }

    // (a) the integrations list against the plain route and the bare one, in turns.
    let (plain, _, a_rows) = lists::against_baselines(&client, &server, &plain_url, &plan).await;
    rows.extend(a_rows);
    let shot = Shot {
        url: gql.clone(),
        token: Some(ADMIN.into()),
        body: Some(json!({ "query": lists::LIST })),
        basic: None,
        fresh_id: false,
    };
    peaks.mark("(a)");

    // (b) a warm-cache repository query: no upstream call during the run.
    let repo = json!({ "query": "query($id: ID!) { repository(integrationId: $id, fullName: \"contoso/Platform/api-gateway\") { branches(first: 50) { edges { node { name objectId } } } pullRequests(first: 20) { edges { node { number title } } } } }", "variables": { "id": integration_id } });
    let repo_shot =
        Shot { url: gql.clone(), token: Some(ADMIN.into()), body: Some(repo), basic: None, fresh_id: false };
    let _ =
        load::run(&client, vec![repo_shot.clone()], 1, Duration::from_millis(200), Duration::from_millis(100)).await;
    fake.clear_requests();
    let b = load::run(&client, vec![repo_shot], plan.concurrency, plan.warmup, plan.duration).await;
    let upstream_calls = fake.requests().len();
    rows.push(Row::ratio("b", "warm repository query / plain route (req/s)", b.per_second / plain.per_second, 0.5, &b));
    rows.push(Row::at_most("b", "upstream calls during the warm run", upstream_calls as f64, 0.0));

    // The browse issue's figure: a warm repositories(first: 50) page, one client at a time.
    for n in 0..48 {
        fake.add_repository("contoso", "Platform", &format!("bench-repo-{n:02}"));
    }
    let repos = json!({ "query": "query($id: ID!) { azureDevOpsIntegration(id: $id) { repositories(project: \"Platform\", first: 50) { edges { node { name defaultBranch } } } } }", "variables": { "id": integration_id } });
    let repos_shot =
        Shot { url: gql.clone(), token: Some(ADMIN.into()), body: Some(repos), basic: None, fresh_id: false };
    let r = load::run(&client, vec![repos_shot], 1, plan.warmup, plan.duration / 2).await;
    rows.push(Row::info("b", "warm repositories(first: 50), one client: p50 latency (ms)", r.p50_ms));
    peaks.mark("(b)");

    // (h) growth: an allow-list of 200 projects costs what one of 1 does, in upstream calls per page.
    rows.extend(allow_list::rows(&client, &gql, &fake, 200).await);

    // (c) ingest, acknowledged after commit, against a plain insert with one commit per row.
    let hook = hook_shot(&client, &gql, &fake).await;
    rows.push(ingest(&client, &server, &hook, &plan, "SQLite").await);
    peaks.mark("(c) SQLite");
    if let Some(admin_url) = postgres_url() {
        let (url, name) = postgres::fresh_database(&admin_url).await;
        let mut config = server::config(tmp.path().join("pg-data"), &fake);
        config.database_url = url;
        let (pg, _) = server::start(config, &client).await;
        let pg_hook = hook_shot(&client, &pg.gql, &fake).await;
        rows.push(ingest(&client, &pg, &pg_hook, &plan, "PostgreSQL").await);
        pg.stop().await;
        postgres::drop_database(&admin_url, &name).await;
        peaks.mark("(c) PostgreSQL");
    }

    // (d) many requests, ten tokens: argon2 runs once per token, then the cache answers.
    let tokens = tokens(&client, &gql, 10).await;
    let before = vcslink_api::auth::api_token::ARGON2_VERIFICATIONS.load(std::sync::atomic::Ordering::Relaxed);
    let viewer = json!({ "query": "{ viewer { user } }" });
    let shots = tokens
        .iter()
        .map(|t| Shot {
            url: gql.clone(),
            token: Some(t.clone()),
            body: Some(viewer.clone()),
            basic: None,
            fresh_id: false,
        })
        .collect();
    let d = load::run_count(&client, shots, plan.concurrency, plan.token_requests).await;
    let verifications =
        vcslink_api::auth::api_token::ARGON2_VERIFICATIONS.load(std::sync::atomic::Ordering::Relaxed) - before;
    rows.push(Row::at_most(
        "d",
        &format!("argon2 verifications for {} requests, 10 tokens", d.requests),
        verifications as f64,
        10.0,
    ));
    peaks.mark("(d)");

    // (e) memory: idle, peak, and no growth between two identical runs.
    // Two identical runs back to back (queries and webhook deliveries taking turns): the second
    // must not grow what the first settled.
    let mixed = vec![shot, hook];
    let first = load::run(&client, mixed.clone(), plan.concurrency, plan.warmup, plan.duration).await;
    let settled = memory::rss_mib();
    let again = load::run(&client, mixed, plan.concurrency, plan.warmup, plan.duration).await;
    let growth = memory::rss_mib() - settled;
    peaks.mark("(e)");
    for p in peaks.each() {
        eprintln!("RSS in {}: peak {:.1} MiB, {:.1} MiB at its end", p.name, p.peak, p.end);
    }
    let highest = peaks.highest();
    rows.push(Row::at_most("e", "RSS idle after start (MiB)", idle_rss, 30.0));
    rows.push(Row::at_most(
        "e",
        &format!("RSS peak during the run (MiB, load generator and fake included; in {})", highest.name),
        highest.peak,
        100.0,
    ));
    rows.push(Row::at_most(
        "e",
        &format!(
            "RSS growth between two identical runs (MiB; list + ingest, {:.0} then {:.0} req/s)",
            first.per_second, again.per_second
        ),
        growth,
        5.0,
    ));

    // (L) the lists as they grow.
    rows.extend(grown(&client, &server, &fake, tmp.path(), quick, &plan).await);
    peaks.mark("(L)");

    // (g) the anonymous webhook flood, on a server of its own (flood.rs).
    rows.extend(flood::run(&fake, tmp.path(), &flood::Plan::new(quick)).await);

    // (f)
    rows.push(Row::at_most("f", "start to /readyz on an existing SQLite database (ms)", ready_ms, 300.0));

    report::print(&rows, &plain, quick);
}

/// (c) on one server: deliveries/s acknowledged after commit, against a plain insert loop with one
/// commit per row on the same database.
async fn ingest(client: &reqwest::Client, server: &Server, hook: &Shot, plan: &Plan, label: &str) -> Row {
    // Baseline and ingest take turns, so a noisy neighbour slows both alike.
    const ROUNDS: u32 = 4;
    let (mut inserts, mut rounds) = (0.0, Vec::new());
    for round in 0..ROUNDS {
        inserts += baseline::insert_loop(&server.db, "bench", plan.duration / ROUNDS).await / f64::from(ROUNDS);
        let warmup = if round == 0 { plan.warmup } else { Duration::ZERO };
        rounds.push(load::run(client, vec![hook.clone()], plan.concurrency, warmup, plan.duration / ROUNDS).await);
    }
    let c = load::Measured::mean(&rounds);
    Row::ratio(
        "c",
        &format!("webhook ingest / plain insert ({inserts:.0} rows/s), {label}"),
        c.ok_per_second() / inserts,
        1.0,
        &c,
    )
}

/// (L): the integrations list in tenants of 20 and many, the deliveries ledger on SQLite and
/// PostgreSQL (when named), each at its first page and one deep inside.
async fn grown(
    client: &reqwest::Client,
    server: &Server,
    fake: &FakeAzure,
    tmp: &std::path::Path,
    quick: bool,
    plan: &Plan,
) -> Vec<Row> {
    let sizes = lists::Sizes::of(quick);
    let mut out = lists::integrations(client, server, fake, tmp.join("tenant-data"), &sizes, plan).await;
    let sqlite = server::config(tmp.join("ledger-data"), fake);
    out.extend(lists::deliveries(client, sqlite, fake, &sizes, plan, "SQLite").await);
    if let Some(admin_url) = postgres_url() {
        let (url, name) = postgres::fresh_database(&admin_url).await;
        let mut config = server::config(tmp.join("pg-ledger-data"), fake);
        config.database_url = url;
        out.extend(lists::deliveries(client, config, fake, &sizes, plan, "PostgreSQL").await);
        postgres::drop_database(&admin_url, &name).await;
    }
    out
}

/// The PostgreSQL server to measure on too, if one is named.
fn postgres_url() -> Option<String> {
    match std::env::var("VCSLINK_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("VCSLINK_TEST_POSTGRES_URL is unset: measuring on SQLite only");
            None
        }
    }
}

async fn post(client: &reqwest::Client, gql: &str, query: &str, variables: Value) -> Value {
    let resp = client
        .post(gql)
        .bearer_auth(ADMIN)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("post");
    resp.json().await.expect("json")
}

/// 20 integrations; the fake gets 50 branches and 20 pull requests on api-gateway. Returns the first id.
async fn seed(client: &reqwest::Client, gql: &str, fake: &FakeAzure) -> String {
    let create = "mutation($i: CreateAzureDevOpsIntegrationInput!) { createAzureDevOpsIntegration(input: $i) { integration { id } } }";
    let mut first = None;
    for n in 0..20 {
        let body = post(client, gql, create, json!({ "i": { "name": format!("bench-{n:02}"), "organizationUrl": fake.org_url("contoso"),
            "flavor": "SERVICES", "personalAccessToken": DEFAULT_PAT, "labels": ["bench", format!("n{n}")], "verify": false } })).await;
        let id = body
            .pointer("/data/createAzureDevOpsIntegration/integration/id")
            .and_then(Value::as_str)
            .expect("created")
            .to_owned();
        first.get_or_insert(id);
    }
    for n in 0..47 {
        fake.add_branch("contoso", "api-gateway", &format!("bench/{n:02}"), None);
    }
    for n in 0..18 {
        let branch = format!("pr/{n:02}");
        fake.add_branch("contoso", "api-gateway", &branch, None);
        fake.add_pull_request("contoso", "api-gateway", &branch, "main", &format!("Bench change {n}"));
    }
    first.expect("20 integrations")
}

/// A push delivery, with a fresh event id each time, to a new integration of the server at `gql`.
async fn hook_shot(client: &reqwest::Client, gql: &str, fake: &FakeAzure) -> Shot {
    let (endpoint, password) = webhook_target(client, gql, fake).await;
    let push = fake_azure::payloads::Payload::new(fake_azure::payloads::Event::Push, &fake.org_url("contoso")).body();
    let push: Value = serde_json::from_slice(&push).expect("payload");
    Shot { url: endpoint, token: None, body: Some(push), basic: Some(password), fresh_id: true }
}

/// An integration whose webhook password the bench knows: (endpoint, password).
async fn webhook_target(client: &reqwest::Client, gql: &str, fake: &FakeAzure) -> (String, String) {
    let password = "bench-webhook-password-0123456789";
    let create = "mutation($i: CreateAzureDevOpsIntegrationInput!) { createAzureDevOpsIntegration(input: $i) { integration { webhook { endpointUrl } } } }";
    let body = post(
        client,
        gql,
        create,
        json!({ "i": { "name": "bench-hooks", "organizationUrl": fake.org_url("contoso"),
        "flavor": "SERVICES", "personalAccessToken": DEFAULT_PAT, "webhookPassword": password, "verify": false } }),
    )
    .await;
    let endpoint = body
        .pointer("/data/createAzureDevOpsIntegration/integration/webhook/endpointUrl")
        .and_then(Value::as_str)
        .expect("endpoint");
    (endpoint.to_owned(), password.to_owned())
}

async fn tokens(client: &reqwest::Client, gql: &str, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..n {
        let body = post(
            client,
            gql,
            "mutation($u: String!) { createApiToken(input: { user: $u, role: MEMBER }) { token } }",
            json!({ "u": format!("bench-user-{i}") }),
        )
        .await;
        out.push(body.pointer("/data/createApiToken/token").and_then(Value::as_str).expect("token").to_owned());
    }
    out
}
