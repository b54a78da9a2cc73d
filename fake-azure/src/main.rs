//! `cargo run -p fake-azure`: the fake Azure DevOps + Entra ID on loopback, for trying vcslink
//! without an organization. Prints its base URL, the PAT it accepts and how to point vcslink at it.

use fake_azure::{DEFAULT_ORG, DEFAULT_PAT, FakeAzure};

#[tokio::main]
async fn main() {
    let fake = FakeAzure::start().await;
    let base = fake.base_url();
    println!("fake Azure DevOps + Entra ID at {base}");
    println!("organization URL: {}", fake.org_url(DEFAULT_ORG));
    println!("PAT it accepts:   {DEFAULT_PAT}");
    println!();
    println!("Start vcslink against it (another terminal, a fresh data dir):");
    println!(
        "  VCSLINK_ALLOW_PRIVATE_UPSTREAMS=true VCSLINK_ENTRA_AUTHORITY={} VCSLINK_PROFILE_URL={} VCSLINK_VSSPS_URL={base} cargo run --release",
        fake.entra_authority(),
        fake.profile_url()
    );
    println!(
        "then createAzureDevOpsIntegration with organizationUrl {} and that PAT: status HEALTHY.",
        fake.org_url(DEFAULT_ORG)
    );
    println!("Ctrl-C stops it (its state lives in memory only).");
    let _ = tokio::signal::ctrl_c().await;
}
