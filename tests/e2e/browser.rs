//! The playground in a real browser (Debian's Chromium driven by playwright-core): a query runs, the Docs
//! pane loads the schema, the editor autocompletes fields; and CORS from it.
//! Needs `node`, `/usr/bin/chromium` and `tests/browser/node_modules` (`.ci/run` installs them);
//! skipped with a notice when missing outside CI.

use std::path::{Path, PathBuf};

use crate::support::{ADMIN_TOKEN, Backend, spawn_app, spawn_with};

fn tools() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = dir.join("node_modules/playwright-core").exists()
        && Path::new(&chromium).exists()
        && std::process::Command::new("node").arg("--version").output().is_ok();
    match (ready, std::env::var("CI").is_ok()) {
        (true, _) => Some(dir),
        (false, true) => panic!("CI must run the browser test: install chromium and run npm ci in tests/browser"),
        (false, false) => {
            eprintln!("skipping the browser test: node, /usr/bin/chromium or tests/browser/node_modules is missing");
            None
        }
    }
}

#[tokio::test]
async fn the_playground_runs_a_query_in_chromium_and_cors_admits_only_its_origins() {
    let Some(dir) = tools() else { return };
    let app = spawn_app().await;
    let origin = app.base.clone();
    let cors = spawn_with(Backend::Sqlite, move |c| c.cors_origins = vec![origin]).await.expect("sqlite");
    let blocked = spawn_with(Backend::Sqlite, |c| c.cors_origins = vec!["https://elsewhere.example".into()])
        .await
        .expect("sqlite");
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).expect("artifacts dir");
    let shot = artifacts.join("playground.png");
    let out = tokio::process::Command::new("node")
        .arg(dir.join("playground.mjs"))
        .args([&app.base, ADMIN_TOKEN, shot.to_str().expect("path"), &cors.base, &blocked.base])
        .output()
        .await
        .expect("run node");
    assert!(
        out.status.success(),
        "browser test failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::metadata(&shot).map(|m| m.len() > 10_000).unwrap_or(false), "a screenshot was saved");
}
