//! House rules no lint can check here: resolvers never return `async_graphql::Result`, and
//! open no transaction (`begin()` lives in the capability services, not in `graphql/`).
//!
//! (clippy's `disallowed-types` also fires inside async-graphql's macro expansions, so the ban
//! lives in this test instead.)

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn resolvers_return_api_error_not_async_graphql_result() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("api/src"), &mut files);
    let banned = ["async_graphql::Result", "async_graphql::FieldResult", "FieldResult<"];
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        for b in banned {
            assert!(
                !text.contains(b),
                "{} uses {b}: return Result<T, ApiError> so the error keeps its code",
                file.display()
            );
        }
    }
}

#[test]
fn resolvers_open_no_transaction_the_work_lives_in_its_capability() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("api/src/graphql"), &mut files);
    assert!(!files.is_empty(), "no sources found under api/src/graphql");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        for b in ["begin()", "TransactionTrait"] {
            assert!(
                !text.contains(b),
                "{} uses {b}: a resolver is guard → parse → service → output; open the transaction in the \
                 capability's service",
                file.display()
            );
        }
    }
}
