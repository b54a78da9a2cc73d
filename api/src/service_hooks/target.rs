//! Whether Azure DevOps would deliver to our webhook endpoint: a public HTTPS URL, checked before
//! `installServiceHooks` and `repairServiceHooks` ask it to.
//!
//! Azure DevOps refuses Web Hooks targets on `localhost` (loopback) or special-range IPv4/IPv6
//! addresses, and requires HTTPS for basic authentication, which every vcslink hook uses
//! (docs/service-hooks/services/webhooks.md). Refusing here gives the operator a hint naming
//! `VCSLINK_PUBLIC_URL` instead of an Azure DevOps error, or hooks that never deliver.

use std::net::IpAddr;

use url::{Host, Url};

use crate::azure::{GuardError, check_url, is_forbidden_ip};
use crate::error::ApiError;

/// The hint every refusal carries.
const HINT: &str = "set VCSLINK_PUBLIC_URL to the https:// address at which Azure DevOps reaches this server \
                    (a public name or address); VCSLINK_ALLOW_PRIVATE_UPSTREAMS=true lifts this check for labs and tests";

/// Why a public URL cannot be a Service Hook target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("the public url {url} is not https; azure devops sends basic authentication over https only")]
    NotHttps { url: String },
    #[error("the public url {url} points to a loopback, private or special-range address, which azure devops refuses")]
    PrivateAddress { url: String },
    #[error("the public url {url} has no host")]
    NoHost { url: String },
}

impl From<TargetError> for ApiError {
    fn from(e: TargetError) -> Self {
        ApiError::validation("publicUrl", e.to_string(), Some(HINT))
    }
}

/// Checks `public_url` as Azure DevOps would; `allow_private` (`VCSLINK_ALLOW_PRIVATE_UPSTREAMS`) lifts it.
/// A name is resolved here too: one whose every address is private is refused. A name that does not
/// resolve from this server may still resolve outside (split-horizon DNS), so it passes.
pub async fn check(public_url: &Url, allow_private: bool) -> Result<(), TargetError> {
    if allow_private {
        return Ok(());
    }
    check_literal(public_url)?;
    let Some(Host::Domain(name)) = public_url.host() else { return Ok(()) };
    let port = public_url.port_or_known_default().unwrap_or(443);
    let resolved: Vec<IpAddr> = match tokio::net::lookup_host((name, port)).await {
        Ok(addrs) => addrs.map(|a| a.ip()).collect(),
        Err(e) => {
            tracing::warn!(host = name, error = %e, "the public url does not resolve from here; assuming it does outside");
            return Ok(());
        }
    };
    if !resolved.is_empty() && resolved.into_iter().all(is_forbidden_ip) {
        return Err(TargetError::PrivateAddress { url: public_url.to_string() });
    }
    Ok(())
}

/// The checks that need no DNS (the upstream guard's own: scheme, IP-literal hosts, `localhost` names).
pub fn check_literal(public_url: &Url) -> Result<(), TargetError> {
    let url = public_url.to_string();
    match check_url(public_url, false) {
        Ok(()) => Ok(()),
        Err(GuardError::NoHost) => Err(TargetError::NoHost { url }),
        Err(GuardError::PrivateAddress { .. }) => Err(TargetError::PrivateAddress { url }),
        Err(_) => Err(TargetError::NotHttps { url }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(s: &str) -> Result<(), TargetError> {
        check_literal(&Url::parse(s).unwrap())
    }

    #[test]
    fn a_public_https_url_is_a_target() {
        assert_eq!(literal("https://vcslink.example.net"), Ok(()));
        assert_eq!(literal("https://20.42.5.1:8443/base"), Ok(()));
        assert_eq!(literal("https://[2603:1030::1]/"), Ok(()));
    }

    #[test]
    fn plain_http_is_refused_because_hooks_send_basic_auth() {
        assert!(matches!(literal("http://vcslink.example.net"), Err(TargetError::NotHttps { .. })));
    }

    #[test]
    fn loopback_private_and_special_range_addresses_are_refused() {
        for url in [
            "https://127.0.0.1:8080",
            "https://localhost",
            "https://api.localhost.",
            "https://10.1.2.3",
            "https://192.168.0.10",
            "https://172.20.0.1",
            "https://169.254.169.254",
            "https://100.64.0.1",
            "https://[::1]",
            "https://[fd00::1]",
            "https://[::ffff:10.0.0.1]",
            "https://0.0.0.0",
        ] {
            assert!(matches!(literal(url), Err(TargetError::PrivateAddress { .. })), "{url}");
        }
    }

    #[tokio::test]
    async fn the_lab_switch_lifts_the_check_and_names_resolve_before_judging() {
        let loopback = Url::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(check(&loopback, true).await, Ok(()));
        assert!(check(&loopback, false).await.is_err());
        // `localhost.` names resolve to loopback everywhere.
        let name = Url::parse("https://localhost:8443").unwrap();
        assert!(matches!(check(&name, false).await, Err(TargetError::PrivateAddress { .. })));
    }

    #[test]
    fn the_refusal_is_a_validation_error_whose_hint_names_the_setting() {
        let e: ApiError = TargetError::NotHttps { url: "http://x/".into() }.into();
        assert_eq!(e.code(), "VALIDATION");
        let ApiError::Validation(input) = e else { panic!("validation") };
        assert!(input.hint.as_deref().is_some_and(|h| h.contains("VCSLINK_PUBLIC_URL")));
    }
}
