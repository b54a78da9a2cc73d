//! `schema.graphql` is generated from the code; this fails when it is stale.

#[test]
fn schema_graphql_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    let current = vcslink_api::graphql::sdl();
    assert!(on_disk == current, "schema.graphql is stale: run `cargo run -- print-schema --output schema.graphql`");
}

/// The schema names the PAT scopes as the one list does (`domain::pat_scopes`), where a PAT is set
/// and where its page is linked.
#[test]
fn the_schema_names_the_one_list_of_pat_scopes() {
    let sdl = vcslink_api::graphql::sdl();
    assert!(sdl.matches(vcslink_api::pat_scopes_text!()).count() >= 2, "a PAT description drifted from the list");
}
