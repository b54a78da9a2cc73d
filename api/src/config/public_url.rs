//! Whether the public URL (`VCSLINK_PUBLIC_URL`, else `http://{listen}`) is one Azure DevOps and
//! browsers can reach: the start-up warning, and the check `check-config` shares with `serve`.

use std::net::{IpAddr, SocketAddr};

use url::{Host, Url};

/// Why `public` looks unreachable for a server bound to `bound`; `None` when it looks fine.
pub fn warning(public: &Url, bound: SocketAddr, explicit: bool) -> Option<String> {
    let unset = if explicit { "" } else { " (VCSLINK_PUBLIC_URL is unset, so it defaults to the bind address)" };
    let host_ip = match public.host() {
        Some(Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost") => {
            Some(IpAddr::from([127, 0, 0, 1]))
        }
        _ => None,
    };
    if host_ip.is_some_and(|ip| ip.is_unspecified()) {
        return Some(format!(
            "the public URL {public} is an unspecified address{unset}: webhook endpoints and the OAuth \
             redirect URI point nowhere; set VCSLINK_PUBLIC_URL to the address clients reach"
        ));
    }
    if host_ip.is_some_and(|ip| ip.is_loopback()) {
        return Some(format!(
            "the public URL {public} is loopback{unset}: Azure DevOps cannot deliver webhooks to it; \
             set VCSLINK_PUBLIC_URL for anything beyond a local trial"
        ));
    }
    if public.scheme() == "http" && !bound.ip().is_loopback() {
        return Some(format!(
            "the public URL {public} is plain http on a non-loopback bind ({bound}): Azure DevOps \
             sends webhook passwords to it in clear; set VCSLINK_PUBLIC_URL to the https address of your TLS front"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warn(public: &str, bound: &str) -> Option<String> {
        warning(&Url::parse(public).unwrap(), bound.parse().unwrap(), true)
    }

    #[test]
    fn loopback_unspecified_and_plain_http_off_loopback_are_warned_about() {
        assert!(warn("http://127.0.0.1:8080", "127.0.0.1:8080").unwrap().contains("loopback"));
        assert!(warn("http://localhost:8080", "127.0.0.1:8080").unwrap().contains("loopback"));
        assert!(warn("http://[::1]:8080", "[::1]:8080").unwrap().contains("loopback"));
        assert!(warn("http://0.0.0.0:8080", "0.0.0.0:8080").unwrap().contains("unspecified"));
        assert!(warn("http://[::]:8080", "[::]:8080").unwrap().contains("unspecified"));
        assert!(warn("http://vcslink.example.com", "0.0.0.0:8080").unwrap().contains("plain http"));
    }

    #[test]
    fn an_https_public_name_or_http_behind_a_loopback_bind_is_fine() {
        assert_eq!(warn("https://vcslink.example.com", "0.0.0.0:8080"), None);
        assert_eq!(warn("http://vcslink.internal", "127.0.0.1:8080"), None);
    }

    #[test]
    fn the_warning_says_when_the_url_was_defaulted() {
        let w = warning(&Url::parse("http://0.0.0.0:8080").unwrap(), "0.0.0.0:8080".parse().unwrap(), false);
        assert!(w.unwrap().contains("VCSLINK_PUBLIC_URL is unset"));
    }
}
