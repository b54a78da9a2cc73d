//! The docs' generated tables match the code they are generated from.

use std::path::Path;

fn doc(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(name)).unwrap_or_default()
}

#[test]
fn generated_doc_tables_have_not_drifted() {
    for (file, table) in
        [("troubleshooting.md", "troubleshooting"), ("configuration.md", "config"), ("errors.md", "errors")]
    {
        let expected = vcslink_api::docs::table(table).expect("known table");
        assert!(
            doc(file).contains(&expected),
            "docs/{file} is stale: regenerate its table with `cargo run -- print-docs {table}`"
        );
    }
}

#[test]
fn every_verification_code_has_a_hint_but_ok() {
    for code in vcslink_api::azure::verification::VerificationCode::ALL {
        let e = code.entry();
        assert_eq!(e.hint.is_none(), e.code == "OK", "{}", e.code);
    }
}
