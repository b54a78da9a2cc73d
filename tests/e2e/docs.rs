//! The docs' generated tables match the code they are generated from.

use std::path::Path;

fn doc(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(name)).unwrap_or_default()
}

/// The table a generated section of a doc should hold.
fn generated(table: &str) -> String {
    match table {
        "cli" => vcslink_api::docs::cli_verbs::table(&vcslink_api::cli::command()),
        other => vcslink_api::docs::table(other).unwrap_or_else(|| panic!("unknown generated table {other}")),
    }
}

/// Every `<!-- generated: X -->` section of every doc holds exactly table X.
#[test]
fn generated_doc_tables_have_not_drifted() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let mut sections = 0;
    for entry in std::fs::read_dir(&docs).expect("docs/") {
        let path = entry.expect("entry").path();
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let text = doc(&file);
        for (start, _) in text.match_indices("<!-- generated: ") {
            let rest = &text[start + "<!-- generated: ".len()..];
            let table = rest.split(" -->").next().expect("a table name");
            let body = rest.split_once(" -->\n").map(|(_, b)| b).unwrap_or_default();
            let body = body.split("<!-- end generated -->").next().unwrap_or_default();
            assert_eq!(
                body.trim_end(),
                generated(table).trim_end(),
                "docs/{file} is stale: regenerate its `{table}` table with `cargo run -- print-docs {table}`"
            );
            sections += 1;
        }
    }
    assert!(sections >= 7, "the generated sections were not found: {sections}");
    for table in vcslink_api::docs::TABLES {
        assert!(!generated(table).is_empty(), "{table}");
    }
}

#[test]
fn every_verification_code_has_a_hint_but_ok() {
    for code in vcslink_api::azure::verification::VerificationCode::ALL {
        let e = code.entry();
        assert_eq!(e.hint.is_none(), e.code == "OK", "{}", e.code);
    }
}
