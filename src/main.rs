//! The `vcslink` binary: a shim over `vcslink_api::cli`.

/// mimalloc, tuned before `main` (see `vcslink_api::memory`).
#[global_allocator]
static GLOBAL: vcslink_api::memory::Allocator = vcslink_api::memory::Allocator {};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    vcslink_api::cli::run().await
}
