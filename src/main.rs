//! The `vcslink` binary: a shim over `vcslink_api::cli`.

/// mimalloc: the webhook path allocates per delivery (HTTP, JSON, rows), and glibc's malloc cost
/// about a fifth of its throughput in the benchmark (bench/RESULTS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    vcslink_api::cli::run().await
}
