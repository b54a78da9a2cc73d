//! `schema.graphql` is generated from the code; this fails when it is stale.

#[test]
fn schema_graphql_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    let current = vcslink_api::graphql::sdl();
    assert!(on_disk == current, "schema.graphql is stale: run `cargo run -- print-schema --output schema.graphql`");
}
