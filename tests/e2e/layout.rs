//! The layout's two rules: only `app.rs` and `graphql/` see the whole set of capability handles
//! (each capability takes its own handle), and no two top-level folders of `api/src` import each
//! other, directly or around a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("api/src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`browse` for `browse/scope.rs`, `app` for `app.rs`).
fn top_module(file: &Path) -> String {
    let rel = file.strip_prefix(src()).expect("under api/src");
    let first = rel.components().next().expect("a component").as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// Code lines only: comments name other modules freely.
fn code(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| !l.trim_start().starts_with("//"))
}

#[test]
fn only_app_and_graphql_see_the_set_of_capabilities() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    for file in files {
        let module = top_module(&file);
        if ["app", "capabilities", "graphql"].contains(&module.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read");
        for line in code(&text) {
            assert!(
                !line.contains("Capabilities") && !line.contains("AppState"),
                "{} names the whole set of capabilities: take the capability's own handle instead\n  {line}",
                file.display()
            );
        }
    }
}

/// `crate::x` imports between top-level modules, `from -> {to}`.
fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| top_module(f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let from = top_module(file);
        let text = std::fs::read_to_string(file).expect("read");
        for line in code(&text) {
            for (at, _) in line.match_indices("crate::") {
                let rest = &line[at + "crate::".len()..];
                let to: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if to != from && modules.contains(&to) {
                    graph.entry(from.clone()).or_default().insert(to);
                }
            }
        }
    }
    graph
}

/// A path from `from` back to `to`, if any (depth-first).
fn path_between(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_owned()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().expect("non-empty").clone();
        if last == to {
            return Some(path);
        }
        if !seen.insert(last.clone()) {
            continue;
        }
        for next in graph.get(&last).into_iter().flatten() {
            let mut longer = path.clone();
            longer.push(next.clone());
            stack.push(longer);
        }
    }
    None
}

#[test]
fn no_import_circle_between_top_level_folders() {
    let graph = import_graph();
    assert!(graph.len() > 10, "the import graph looks empty: {graph:?}");
    for (from, tos) in &graph {
        for to in tos {
            if let Some(back) = path_between(&graph, to, from) {
                panic!("import circle: {from} -> {}", back.join(" -> "));
            }
        }
    }
}
