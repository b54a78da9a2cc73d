//! The `vcslink` binary: a shim over `vcslink_api::cli`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    vcslink_api::cli::run().await
}
