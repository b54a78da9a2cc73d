//! Settings of the Azure DevOps client: timeouts, SSRF policy, the Entra and profile bases, body cap.

use std::time::Duration;

use url::Url;

/// How the process talks to Azure DevOps and Entra ID. Built by the application's config reader;
/// this module reads no environment.
#[derive(Clone, Debug)]
pub struct AzureConfig {
    /// Time allowed to open a TCP + TLS connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, body included.
    pub request_timeout: Duration,
    /// Allow `http://` and loopback/private/link-local upstreams (`VCSLINK_ALLOW_PRIVATE_UPSTREAMS`).
    pub allow_private_upstreams: bool,
    /// Entra ID authority base (`VCSLINK_ENTRA_AUTHORITY`).
    pub entra_authority: Url,
    /// Azure DevOps profile service base (`VCSLINK_PROFILE_URL`).
    pub profile_url: Url,
    /// Largest response body read from an upstream; a longer one is an error.
    pub max_body_bytes: usize,
    /// `User-Agent` sent with every request.
    pub user_agent: String,
    /// Where managed identities get tokens (see `managed_identity.rs`).
    pub managed_identity: super::managed_identity::Endpoint,
    /// This server as an OIDC issuer (`VCSLINK_PUBLIC_URL`, no trailing slash): the `iss` of
    /// federated app identities' assertions.
    pub oidc_issuer: String,
}

/// Public Entra ID authority.
const ENTRA_AUTHORITY: &str = "https://login.microsoftonline.com";
/// Public Azure DevOps profile service.
const PROFILE_URL: &str = "https://app.vssps.visualstudio.com";

impl Default for AzureConfig {
    fn default() -> Self {
        AzureConfig {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            allow_private_upstreams: false,
            entra_authority: constant_url(ENTRA_AUTHORITY),
            profile_url: constant_url(PROFILE_URL),
            max_body_bytes: 8 * 1024 * 1024,
            user_agent: format!("vcslink/{}", env!("CARGO_PKG_VERSION")),
            managed_identity: super::managed_identity::Endpoint::imds(),
            oidc_issuer: String::new(),
        }
    }
}

/// Parses one of the constants above: a start-up invariant (STYLE rule 4) that the test below pins.
#[allow(clippy::expect_used)]
fn constant_url(s: &str) -> Url {
    Url::parse(s).expect("the built-in default URLs parse")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let config = AzureConfig::default();
        assert_eq!(config.connect_timeout, Duration::from_secs(5));
        assert_eq!(config.request_timeout, Duration::from_secs(30));
        assert!(!config.allow_private_upstreams);
        assert_eq!(config.entra_authority.as_str(), "https://login.microsoftonline.com/");
        assert_eq!(config.profile_url.as_str(), "https://app.vssps.visualstudio.com/");
        assert_eq!(config.max_body_bytes, 8 * 1024 * 1024);
        assert!(config.user_agent.starts_with("vcslink/"));
    }
}
