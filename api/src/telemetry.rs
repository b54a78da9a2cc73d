//! Tracing set-up: `VCSLINK_LOG` filter, text or JSON lines (`VCSLINK_LOG_FORMAT=json`); colours
//! only when the logs go to a terminal (a file or journald would show escape codes).

use std::io::IsTerminal as _;

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber (once; later calls are ignored so tests can call it freely).
pub fn init(filter: &str, json: bool) {
    // The migrator logs every check at INFO even when nothing migrates; `store::migrate` says what ran.
    let filter = if filter.contains("sea_orm_migration") {
        filter.to_owned()
    } else {
        format!("{filter},sea_orm_migration=warn")
    };
    let filter = EnvFilter::try_new(&filter).unwrap_or_else(|_| EnvFilter::new("info,sea_orm_migration=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
