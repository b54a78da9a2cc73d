//! SSRF guard: refuses upstream URLs and resolved addresses that point inside private networks.
//!
//! Two layers: [`check_url`] runs before every request (scheme, IP-literal hosts, `localhost`),
//! and [`GuardedResolver`] filters every DNS answer at connect time, so a public name that
//! resolves to a private address is refused too. reqwest does not call the resolver for
//! IP-literal hosts, hence the pre-flight check.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Why the guard refused an upstream, or why a name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("scheme {scheme} is not allowed for upstreams")]
    Scheme { scheme: String },
    #[error("http:// upstreams are refused; use https://")]
    PlainHttp,
    #[error("the url has no host")]
    NoHost,
    /// Says "refused" and the host as given, never an address it resolved to.
    #[error("host {host} is refused: it is, or resolves only to, a loopback, private or special-purpose address")]
    PrivateAddress { host: String },
    #[error("host {host} does not resolve")]
    UnknownHost { host: String },
    #[error("host {host} could not be resolved right now")]
    ResolveFailed { host: String },
}

/// Refuses a URL whose scheme or IP-literal host is not allowed. With `allow_private` only the
/// scheme is checked (http and https both pass). Names are checked again on their resolved
/// addresses by [`GuardedResolver`].
pub fn check_url(url: &Url, allow_private: bool) -> Result<(), GuardError> {
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        "http" => return Err(GuardError::PlainHttp),
        other => {
            return Err(GuardError::Scheme { scheme: other.to_owned() });
        }
    }
    let host = url.host().ok_or(GuardError::NoHost)?;
    if allow_private {
        return Ok(());
    }
    let forbidden = match host {
        Host::Ipv4(ip) => is_forbidden_ip(IpAddr::V4(ip)),
        Host::Ipv6(ip) => is_forbidden_ip(IpAddr::V6(ip)),
        Host::Domain(name) => is_local_name(name),
    };
    if forbidden {
        return Err(GuardError::PrivateAddress { host: host.to_string() });
    }
    Ok(())
}

/// `localhost` and its subdomains always resolve to loopback (RFC 6761).
fn is_local_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// True for every address an upstream must not have: every block of IANA's IPv4 and IPv6
/// Special-Purpose Address Registries that is not globally reachable, plus multicast and the
/// whole IETF protocol assignment blocks (`192.0.0.0/24`, `2001::/23`), and IPv6 forms that
/// embed such an IPv4 (mapped, compatible, NAT64, 6to4).
pub fn is_forbidden_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => is_forbidden_v6(v6),
    }
}

fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()
        || a == 0 // "this network" 0.0.0.0/8
        || ip.is_loopback() // 127/8
        || ip.is_private() // 10/8, 172.16/12, 192.168/16
        || (a == 100 && (b & 0xc0) == 64) // CGNAT 100.64/10
        || ip.is_link_local() // 169.254/16, metadata 169.254.169.254
        || ip.is_broadcast()
        || ip.is_multicast() // 224/4
        || ip.is_documentation() // 192.0.2/24, 198.51.100/24, 203.0.113/24
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments 192.0.0/24
        || (a == 198 && (b & 0xfe) == 18) // benchmarking 198.18/15
        || (a == 192 && b == 31 && c == 196) // AS112-v4 192.31.196/24
        || (a == 192 && b == 52 && c == 193) // AMT 192.52.193/24
        || (a == 192 && b == 88 && c == 99) // deprecated 6to4 relay anycast 192.88.99/24
        || (a == 192 && b == 175 && c == 48) // direct delegation AS112 192.175.48/24
        || a >= 240 // reserved 240/4
}

fn is_forbidden_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_forbidden_v4(v4);
    }
    let segments = ip.segments();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast() // ff00::/8
        || (segments[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (segments[0] & 0xffc0) == 0xfec0 // deprecated site-local fec0::/10
        || (segments[0] & 0xfe00) == 0xfc00 // unique-local fc00::/7
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation 2001:db8::/32
        || (segments[0] == 0x0100 && segments[1..4] == [0, 0, 0]) // discard 100::/64
        || (segments[0] == 0x0100 && segments[1..4] == [0, 0, 1]) // dummy prefix 100:0:0:1::/64
        || (segments[0] == 0x0064 && segments[1] == 0xff9b && segments[2] == 1) // local NAT64 64:ff9b:1::/48
        || (segments[0] == 0x2001 && segments[1] < 0x0200) // IETF protocol assignments 2001::/23 (Teredo, ORCHID, benchmarking)
        || (segments[0] == 0x2620 && segments[1] == 0x004f && segments[2] == 0x8000) // AS112 2620:4f:8000::/48
        || (segments[0] & 0xfff0) == 0x3ff0 // documentation 3fff::/20
        || segments[0] == 0x5f00 // SRv6 SIDs 5f00::/16
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`),
/// NAT64 (`64:ff9b::a.b.c.d`) or 6to4 (`2002:aabb:ccdd::`) address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..5] == [0, 0, 0, 0, 0] && s[5] == 0xffff {
        return Some(low);
    }
    // IPv4-compatible; `::` and `::1` themselves are handled as IPv6.
    if s[..6] == [0, 0, 0, 0, 0, 0] && (s[6] != 0 || s[7] > 1) {
        return Some(low);
    }
    if s[0] == 0x0064 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return Some(low);
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8));
    }
    None
}

/// DNS resolver for the shared reqwest client: resolves with tokio and drops forbidden
/// addresses; a name left with none is refused, so the connection is never opened.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    allow_private: bool,
}

impl GuardedResolver {
    pub fn new(allow_private: bool) -> Arc<Self> {
        Arc::new(GuardedResolver { allow_private })
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = resolve_checked(&host, allow_private).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Resolves `host` (port 0: reqwest fills in the URL's) and keeps the allowed addresses.
async fn resolve_checked(host: &str, allow_private: bool) -> Result<Vec<SocketAddr>, GuardError> {
    if !allow_private && is_local_name(host) {
        return Err(GuardError::PrivateAddress { host: host.to_owned() });
    }
    let resolved: Vec<SocketAddr> = match tokio::net::lookup_host((host, 0)).await {
        Ok(addrs) => addrs.collect(),
        Err(e) => return Err(lookup_error(host, &e)),
    };
    if resolved.is_empty() {
        return Err(GuardError::UnknownHost { host: host.to_owned() });
    }
    if allow_private {
        return Ok(resolved);
    }
    let allowed: Vec<SocketAddr> = resolved.into_iter().filter(|a| !is_forbidden_ip(a.ip())).collect();
    if allowed.is_empty() {
        tracing::warn!(host, "refused an upstream that resolves only to private addresses");
        return Err(GuardError::PrivateAddress { host: host.to_owned() });
    }
    Ok(allowed)
}

/// getaddrinfo reports "no such name" and "try again" alike as `io::Error`; only the text tells
/// a temporary failure (EAI_AGAIN) from an unknown host.
fn lookup_error(host: &str, e: &std::io::Error) -> GuardError {
    let text = e.to_string().to_ascii_lowercase();
    if text.contains("temporary failure") || text.contains("try again") {
        GuardError::ResolveFailed { host: host.to_owned() }
    } else {
        GuardError::UnknownHost { host: host.to_owned() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forbidden(s: &str) -> bool {
        is_forbidden_ip(s.parse().unwrap())
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn every_private_or_reserved_ipv4_class_is_forbidden() {
        for ip in [
            "127.0.0.1",
            "127.255.255.254",
            "10.0.0.1",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.0.1",
            "192.168.255.255",
            "100.64.0.1",
            "100.127.255.255",
            "169.254.0.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "239.255.255.250",
            "192.0.2.10",
            "198.51.100.7",
            "203.0.113.99",
            "192.0.0.8",
            "198.18.0.1",
            "198.19.255.255",
            "192.31.196.1",
            "192.52.193.1",
            "192.88.99.1",
            "192.175.48.1",
            "240.0.0.1",
        ] {
            assert!(forbidden(ip), "{ip} should be forbidden");
        }
    }

    #[test]
    fn public_ipv4_addresses_are_allowed() {
        for ip in [
            "13.107.42.20",
            "8.8.8.8",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "192.169.0.1",
            "1.1.1.1",
        ] {
            assert!(!forbidden(ip), "{ip} should be allowed");
        }
    }

    #[test]
    fn every_private_or_reserved_ipv6_class_is_forbidden() {
        for ip in [
            "::1",
            "::",
            "fe80::1",
            "febf::1",
            "fc00::1",
            "fd12:3456:789a::1",
            "ff02::1",
            "2001:db8::1",
            "fec0::1",
            "100::1",
            "100:0:0:1::1",
            "64:ff9b:1::a00:1",
            "2001::1",
            "2001:2::1",
            "2001:20::1",
            "2001:1ff:ffff::1",
            "2620:4f:8000::1",
            "3fff:fff::1",
            "5f00::1",
        ] {
            assert!(forbidden(ip), "{ip} should be forbidden");
        }
    }

    #[test]
    fn ipv6_forms_embedding_a_private_ipv4_are_forbidden() {
        for ip in [
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::192.168.1.1",
            "2002:c0a8:0101::1",
            "2002:7f00:0001::",
        ] {
            assert!(forbidden(ip), "{ip} should be forbidden");
        }
    }

    #[test]
    fn public_ipv6_addresses_and_mapped_public_ipv4_are_allowed() {
        for ip in [
            "2620:1ec:4::1",
            "2a01:111:f100::1",
            "::ffff:13.107.42.20",
            "64:ff9b::808:808",
            "2002:0808:0808::1",
            "2001:200::1",
            "2001:4860:4860::8888",
        ] {
            assert!(!forbidden(ip), "{ip} should be allowed");
        }
    }

    #[test]
    fn plain_http_is_refused_unless_private_upstreams_are_allowed() {
        assert_eq!(check_url(&url("http://dev.azure.com/contoso"), false), Err(GuardError::PlainHttp));
        assert_eq!(check_url(&url("http://dev.azure.com/contoso"), true), Ok(()));
        assert_eq!(check_url(&url("https://dev.azure.com/contoso"), false), Ok(()));
    }

    #[test]
    fn other_schemes_are_always_refused() {
        for allow in [false, true] {
            assert!(matches!(check_url(&url("ftp://dev.azure.com/x"), allow), Err(GuardError::Scheme { .. })));
            assert!(matches!(check_url(&url("file:///etc/passwd"), allow), Err(GuardError::Scheme { .. })));
        }
    }

    #[test]
    fn ip_literal_and_localhost_hosts_are_checked_before_any_request() {
        for u in [
            "https://127.0.0.1/contoso",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]:8443/x",
            "https://[::ffff:127.0.0.1]/x",
            "https://[fe80::1]/x",
            "https://2130706433/x",
            "https://0x7f.1/x",
            "https://localhost/x",
            "https://api.localhost./x",
        ] {
            assert!(matches!(check_url(&url(u), false), Err(GuardError::PrivateAddress { .. })), "{u}");
            assert_eq!(check_url(&url(u), true), Ok(()), "{u}");
        }
        assert_eq!(check_url(&url("https://13.107.42.20/contoso"), false), Ok(()));
    }

    #[test]
    fn a_refusal_names_the_host_as_given_never_an_address() {
        let e = GuardError::PrivateAddress { host: "intranet.contoso.com".into() }.to_string();
        assert!(e.contains("refused") && e.contains("intranet.contoso.com"), "{e}");
        assert!(!e.chars().any(|c| c.is_ascii_digit()), "no address in {e}");
    }

    #[tokio::test]
    async fn the_resolver_refuses_names_that_resolve_to_loopback() {
        let refused = resolve_checked("localhost", false).await;
        assert!(matches!(refused, Err(GuardError::PrivateAddress { .. })));
        let allowed = resolve_checked("localhost", true).await.unwrap();
        assert!(allowed.iter().all(|a| a.ip().is_loopback()));
    }

    #[tokio::test]
    async fn the_resolver_refuses_an_ip_shaped_name_in_a_private_range() {
        // reqwest hands IP literals straight to the connector (check_url covers those); should a
        // resolver ever be asked for one, it must refuse it all the same.
        let refused = resolve_checked("10.1.2.3", false).await;
        assert!(matches!(refused, Err(GuardError::PrivateAddress { .. })));
    }
}
