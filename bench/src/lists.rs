//! The list scenarios (issue 19): the integrations list against the bare stack (the second
//! baseline of (a)), and the integrations and deliveries lists as they grow (L), each page measured
//! in turns with a bare route reading the same page.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fake_azure::{DEFAULT_PAT, FakeAzure};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::load::{self, Measured, Shot};
use crate::report::Row;
use crate::server::{self, ADMIN, Server};
use crate::{Plan, bare, memory, rows};

/// The integrations list of (a): the four columns the issue measured.
pub const LIST: &str =
    "query($a: String) { azureDevOpsIntegrations(first: 20, after: $a) { edges { node { id name status labels } } } }";
/// A page of the deliveries ledger, newest first.
const DELIVERIES: &str = "query($id: ID!, $a: String) { azureDevOpsIntegration(id: $id) { deliveries(first: 50, after: $a) { edges { node { id eventType receivedAt outcome } } pageInfo { endCursor hasNextPage } } } }";

/// How big the grown lists are.
pub struct Sizes {
    pub tenant: usize,
    pub deliveries: usize,
    /// The page of the deliveries deep inside (50 a page).
    pub deep_page: u64,
}

impl Sizes {
    pub fn of(quick: bool) -> Sizes {
        if quick {
            Sizes { tenant: 2_000, deliveries: 20_000, deep_page: 200 }
        } else {
            Sizes { tenant: 10_000, deliveries: 1_000_000, deep_page: 10_000 }
        }
    }
}

/// The opaque cursor of a stored row (`graphql/pagination.rs`), made from its id so a deep page
/// needs no walk through the pages before it.
fn cursor(id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("c:{id}"))
}

fn gql(url: &str, query: &str, variables: Value) -> Shot {
    Shot {
        url: url.to_owned(),
        token: Some(ADMIN.into()),
        body: Some(json!({ "query": query, "variables": variables })),
        basic: None,
        fresh_id: false,
    }
}

fn get(url: String) -> Shot {
    Shot { url, token: None, body: None, basic: None, fresh_id: false }
}

/// Each shot measured alone, the shots taking turns for four rounds (so a noisy neighbour slows
/// all alike); each one's rounds taken together.
pub async fn in_turns(client: &reqwest::Client, shots: &[Shot], plan: &Plan) -> Vec<Measured> {
    const ROUNDS: u32 = 4;
    let mut runs = vec![Vec::new(); shots.len()];
    for round in 0..ROUNDS {
        let warmup = if round == 0 { plan.warmup } else { Duration::ZERO };
        for (shot, runs) in shots.iter().zip(runs.iter_mut()) {
            runs.push(load::run(client, vec![shot.clone()], plan.concurrency, warmup, plan.duration / ROUNDS).await);
        }
    }
    runs.iter().map(|r| Measured::mean(r)).collect()
}

/// The default tenant's id (where the bootstrap token's integrations live).
async fn default_tenant(db: &DatabaseConnection) -> String {
    entity::tenant::Entity::find()
        .filter(entity::tenant::Column::Name.eq("default"))
        .one(db)
        .await
        .expect("select")
        .expect("the default tenant")
        .id
}

/// (a): the list against the plain route (whole rows) and the bare one (exactly its columns),
/// the three in turns. Returns the plain route's and the list's figures with the rows.
pub async fn against_baselines(
    client: &reqwest::Client,
    server: &Server,
    plain_url: &str,
    plan: &Plan,
) -> (Measured, Measured, Vec<Row>) {
    let bare_url = bare::serve(server.db.clone()).await;
    let tenant = default_tenant(&server.db).await;
    let shots = [
        get(plain_url.to_owned()),
        get(format!("{bare_url}/integrations/{tenant}/{}/20", bare::START)),
        gql(&server.gql, LIST, json!({})),
    ];
    let m = in_turns(client, &shots, plan).await;
    let (plain, bare, a) = (m[0].clone(), m[1].clone(), m[2].clone());
    let rows = vec![
        Row::ratio("a", "integrations list / plain route (req/s)", a.per_second / plain.per_second, 0.7, &a),
        Row::ratio(
            "a",
            &format!("integrations list / bare route, its 4 columns (req/s; bare {:.0} req/s)", bare.per_second),
            a.per_second / bare.per_second,
            0.7,
            &a,
        ),
        Row::at_most("a", "integrations list p99 / p50", a.p99_ms / a.p50_ms.max(0.001), 5.0),
    ];
    (plain, a, rows)
}

/// One page measured by the list and by the bare route: (label, list shot, bare shot).
struct Case {
    label: String,
    list: Shot,
    bare: Shot,
}

/// Measures every case's list and bare route in turns; rows: each list's cost against its bare
/// route (≤ 1.5×) and each case's cost against the first one's (flat as the list grows: ≤ 1.5×).
async fn grow(client: &reqwest::Client, what: &str, cases: &[Case], plan: &Plan) -> Vec<Row> {
    let shots: Vec<Shot> = cases.iter().flat_map(|c| [c.list.clone(), c.bare.clone()]).collect();
    let m = in_turns(client, &shots, plan).await;
    let mut out = Vec::new();
    let reference = &m[0];
    for (i, case) in cases.iter().enumerate() {
        let (list, bare) = (&m[2 * i], &m[2 * i + 1]);
        out.push(Row::ratio_at_most(
            "L",
            &format!("{what}, {}: cost / bare route's ({:.0} req/s)", case.label, bare.per_second),
            bare.per_second / list.per_second.max(0.001),
            1.5,
            list,
        ));
        if i > 0 {
            out.push(Row::at_most(
                "L",
                &format!("{what}, {}: cost / {}'s", case.label, cases[0].label),
                reference.per_second / list.per_second.max(0.001),
                1.5,
            ));
        }
    }
    out
}

/// The integrations list in a tenant of 20 (the main server's) and one of `sizes.tenant`
/// (a server of its own), the first page and one deep inside.
pub async fn integrations(
    client: &reqwest::Client,
    main: &Server,
    fake: &FakeAzure,
    data_dir: std::path::PathBuf,
    sizes: &Sizes,
    plan: &Plan,
) -> Vec<Row> {
    let (big, _) = server::start(server::config(data_dir, fake), client).await;
    create(client, &big.gql, fake, "bench-template").await;
    let template = rows::integration_named(&big.db, "bench-template").await;
    let started = Instant::now();
    rows::integrations(&big.db, &template, "bench", sizes.tenant - 1).await;
    eprintln!("seeded {} integrations in {:.1} s", sizes.tenant, started.elapsed().as_secs_f64());
    let mut cases = Vec::new();
    for (server, n) in [(main, 20), (&big, sizes.tenant)] {
        let bare_url = bare::serve(server.db.clone()).await;
        let tenant = default_tenant(&server.db).await;
        let deep = rows::integration_at(&server.db, &tenant, n as u64 / 2 - 1).await;
        for (label, after) in
            [(format!("tenant of {n}, first page"), None), (format!("tenant of {n}, after row {}", n / 2), Some(deep))]
        {
            let vars = after.as_deref().map_or(json!({}), |id| json!({ "a": cursor(id) }));
            let from = after.clone().unwrap_or_else(|| bare::START.to_owned());
            cases.push(Case {
                label,
                list: gql(&server.gql, LIST, vars),
                bare: get(format!("{bare_url}/integrations/{tenant}/{from}/20")),
            });
        }
    }
    let out = grow(client, "integrations(first: 20)", &cases, plan).await;
    big.stop().await;
    out
}

/// `deliveries(first: 50)` of one integration holding `sizes.deliveries`, at page 1 and page
/// `sizes.deep_page`, on the server `config` describes; with RSS before and after the runs.
pub async fn deliveries(
    client: &reqwest::Client,
    config: vcslink_api::config::Config,
    fake: &FakeAzure,
    sizes: &Sizes,
    plan: &Plan,
    backend: &str,
) -> Vec<Row> {
    let (s, _) = server::start(config, client).await;
    let id = create(client, &s.gql, fake, "bench-ledger").await;
    let integration = rows::integration_named(&s.db, "bench-ledger").await;
    let started = Instant::now();
    rows::deliveries(&s.db, &integration.tenant_id, &integration.id, sizes.deliveries, 512).await;
    eprintln!("seeded {} deliveries on {backend} in {:.1} s", sizes.deliveries, started.elapsed().as_secs_f64());
    let deep = rows::delivery_at(&s.db, &integration.id, (sizes.deep_page - 1) * 50 - 1).await;
    let bare_url = bare::serve(s.db.clone()).await;
    let n = sizes.deliveries;
    let cases = [
        Case {
            label: format!("page 1 of {n} on {backend}"),
            list: gql(&s.gql, DELIVERIES, json!({ "id": id })),
            bare: get(format!("{bare_url}/deliveries/{}/{}/50", integration.id, bare::START)),
        },
        Case {
            label: format!("page {} of {n} on {backend}", sizes.deep_page),
            list: gql(&s.gql, DELIVERIES, json!({ "id": id, "a": cursor(&deep) })),
            bare: get(format!("{bare_url}/deliveries/{}/{deep}/50", integration.id)),
        },
    ];
    let before = memory::rss_mib();
    let mut out = grow(client, "deliveries(first: 50)", &cases, plan).await;
    out.push(Row::at_most(
        "L",
        &format!("deliveries on {backend}: RSS growth over the runs (MiB, from {before:.1})"),
        memory::rss_mib() - before,
        5.0,
    ));
    s.stop().await;
    out
}

/// Creates an integration named `name` on the server at `url`; returns its global ID.
async fn create(client: &reqwest::Client, url: &str, fake: &FakeAzure, name: &str) -> String {
    let create = "mutation($i: CreateAzureDevOpsIntegrationInput!) { createAzureDevOpsIntegration(input: $i) { integration { id } } }";
    let body: Value = client
        .post(url)
        .bearer_auth(ADMIN)
        .json(&json!({ "query": create, "variables": { "i": { "name": name, "organizationUrl": fake.org_url("contoso"),
            "flavor": "SERVICES", "personalAccessToken": DEFAULT_PAT, "labels": ["bench"], "verify": false } } }))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    body.pointer("/data/createAzureDevOpsIntegration/integration/id")
        .and_then(Value::as_str)
        .expect("created")
        .to_owned()
}
