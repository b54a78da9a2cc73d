//! `.ci/check-schema` in a scratch git repository: the schema passes as committed; a lint finding
//! fails; a breaking change against the previous release fails until a commit says
//! `Schema-Break: <reason>`; a `v*` tag becomes the release compared against.
//! Needs `node` and `tools/schema/node_modules` (`.ci/run` installs them); skipped with a notice
//! when missing outside CI.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tools_ready() -> bool {
    let ready = root().join("tools/schema/node_modules/.bin/graphql-inspector").exists()
        && Command::new("node").arg("--version").output().is_ok();
    match (ready, std::env::var("CI").is_ok()) {
        (true, _) => true,
        (false, true) => panic!("CI must run the schema checks: run npm ci in tools/schema"),
        (false, false) => {
            eprintln!("skipping the schema-check test: node or tools/schema/node_modules is missing");
            false
        }
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn check(dir: &Path) -> Output {
    Command::new("bash").arg(".ci/check-schema").current_dir(dir).output().expect("run .ci/check-schema")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A repository holding the script, the tools' config, the released schema and `schema.graphql`.
fn scratch_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    std::fs::create_dir_all(d.join(".ci")).expect("mkdir");
    std::fs::create_dir_all(d.join("tools/schema")).expect("mkdir");
    std::fs::copy(root().join(".ci/check-schema"), d.join(".ci/check-schema")).expect("copy script");
    for file in [".graphql-schema-linterrc", "released.graphql"] {
        std::fs::copy(root().join("tools/schema").join(file), d.join("tools/schema").join(file)).expect("copy");
    }
    std::fs::copy(root().join("schema.graphql"), d.join("schema.graphql")).expect("copy schema");
    std::os::unix::fs::symlink(root().join("tools/schema/node_modules"), d.join("tools/schema/node_modules"))
        .expect("link node_modules");
    git(d, &["init", "-q"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "the current schema"]);
    dir
}

/// The SDL without `Viewer.tokenName` (its description block and the field): a breaking change.
fn without_token_name(sdl: &str) -> String {
    let lines: Vec<&str> = sdl.lines().collect();
    let at = lines.iter().position(|l| *l == "\ttokenName: String").expect("Viewer.tokenName in the SDL");
    assert_eq!(lines[at - 3].trim(), "\"\"\"", "a three-line description precedes the field");
    let kept: Vec<&str> = lines[..at - 3].iter().chain(&lines[at + 1..]).copied().collect();
    kept.join("\n") + "\n"
}

#[test]
fn check_schema_lints_and_refuses_unannounced_breaking_changes() {
    if !tools_ready() {
        return;
    }
    let repo = scratch_repo();
    let d = repo.path();
    let passed = check(d);
    assert!(passed.status.success(), "the committed schema passes:\n{}", text(&passed));

    let sdl = std::fs::read_to_string(d.join("schema.graphql")).expect("read");
    std::fs::write(d.join("schema.graphql"), format!("{sdl}\ntype Orphan {{\n\tx: Int\n}}\n")).expect("write");
    let lint = check(d);
    assert!(!lint.status.success(), "an undescribed, unused type fails the lint:\n{}", text(&lint));
    assert!(text(&lint).contains("types-have-descriptions"), "{}", text(&lint));

    std::fs::write(d.join("schema.graphql"), without_token_name(&sdl)).expect("write");
    git(d, &["commit", "-qam", "drop Viewer.tokenName"]);
    let refused = check(d);
    assert!(!refused.status.success(), "a removed field is breaking:\n{}", text(&refused));
    assert!(text(&refused).contains("Schema-Break: <reason>"), "it says how to announce it:\n{}", text(&refused));

    git(d, &["commit", "-q", "--allow-empty", "-m", "why\n\nSchema-Break: tokenName moved to Viewer.token"]);
    let announced = check(d);
    assert!(announced.status.success(), "an announced break passes:\n{}", text(&announced));
    assert!(text(&announced).contains("tokenName moved to Viewer.token"), "it prints the reason");

    git(d, &["tag", "v1.0.0"]);
    let released = check(d);
    assert!(released.status.success(), "nothing changed since the tag:\n{}", text(&released));
    assert!(text(&released).contains("release v1.0.0"), "the tag is the release compared against");
}
