//! The results table (stdout) and `bench/results/latest.json`.

use serde_json::json;

use crate::load::Measured;

pub struct Row {
    pub scenario: &'static str,
    pub what: String,
    pub value: f64,
    /// (target, higher is better); None for information only.
    pub target: Option<(f64, bool)>,
    pub detail: String,
}

impl Row {
    pub fn ratio(scenario: &'static str, what: &str, value: f64, at_least: f64, m: &Measured) -> Row {
        let detail =
            format!("{:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} errors", m.per_second, m.p50_ms, m.p99_ms, m.errors);
        Row { scenario, what: what.into(), value, target: Some((at_least, true)), detail }
    }

    /// A cost (higher is worse) with the run's figures.
    pub fn ratio_at_most(scenario: &'static str, what: &str, value: f64, limit: f64, m: &Measured) -> Row {
        Row { target: Some((limit, false)), ..Row::ratio(scenario, what, value, limit, m) }
    }

    pub fn at_most(scenario: &'static str, what: &str, value: f64, limit: f64) -> Row {
        Row { scenario, what: what.into(), value, target: Some((limit, false)), detail: String::new() }
    }

    pub fn info(scenario: &'static str, what: &str, value: f64) -> Row {
        Row { scenario, what: what.into(), value, target: None, detail: String::new() }
    }

    fn verdict(&self) -> &'static str {
        match self.target {
            None => "info",
            Some((t, true)) if self.value >= t => "PASS",
            Some((t, false)) if self.value <= t => "PASS",
            Some(_) => "FAIL",
        }
    }
}

pub fn print(rows: &[Row], plain: &Measured, quick: bool) {
    println!(
        "vcslink benchmark ({}), baseline plain route: {:.0} req/s, p50 {:.2} ms",
        if quick { "quick" } else { "full" },
        plain.per_second,
        plain.p50_ms
    );
    table(rows);
    let json = json!({
        "mode": if quick { "quick" } else { "full" },
        "baseline_plain_route": { "per_second": plain.per_second, "p50_ms": plain.p50_ms, "p99_ms": plain.p99_ms },
        "rows": rows.iter().map(|r| json!({ "scenario": r.scenario, "measure": r.what, "value": r.value,
            "target": r.target.map(|t| t.0), "higher_is_better": r.target.map(|t| t.1), "verdict": r.verdict(), "detail": r.detail })).collect::<Vec<_>>(),
    });
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("results/latest.json");
    if let Err(e) = std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap_or_default()) {
        eprintln!("could not write {}: {e}", path.display());
    }
}

/// The table alone.
pub fn table(rows: &[Row]) {
    println!("{:<3} {:<72} {:>10} {:>10} {:>6}  detail", "", "measure", "value", "target", "");
    for r in rows {
        let target = match r.target {
            Some((t, true)) => format!(">= {t}"),
            Some((t, false)) => format!("<= {t}"),
            None => "-".into(),
        };
        println!("{:<3} {:<72} {:>10.2} {:>10} {:>6}  {}", r.scenario, r.what, r.value, target, r.verdict(), r.detail);
    }
}
