//! Web Hooks target rules: Azure DevOps refuses `localhost` (loopback) and special-range IPv4/IPv6
//! targets, and requires HTTPS for basic authentication (docs/service-hooks/services/webhooks.md).
//!
//! How Azure DevOps words the refusal is not documented: the 400 below is composed in its envelope
//! shape. Names are judged as written (the real service resolves them; the fake does not).

use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// Why a Web Hooks `url` input is refused, as a sentence; `None` when the target is acceptable.
pub fn refusal(target: &Url, basic_auth: bool) -> Option<String> {
    if basic_auth && target.scheme() != "https" {
        return Some(format!(
            "The value '{target}' of the input 'url' is not valid: you must use HTTPS for basic authentication on a webhook."
        ));
    }
    let special = match target.host() {
        Some(Host::Ipv4(ip)) => special_v4(ip),
        Some(Host::Ipv6(ip)) => special_v6(ip),
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        None => true,
    };
    special.then(|| {
        format!("The value '{target}' of the input 'url' is not valid: localhost and special-range IP addresses are not allowed.")
    })
}

fn special_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_unspecified()
        || a == 0
        || ip.is_loopback()
        || ip.is_private()
        || (a == 100 && (b & 0xc0) == 64)
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a >= 240
}

fn special_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return special_v4(v4);
    }
    let s = ip.segments();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] == 0x2001 && s[1] == 0x0db8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_https_targets_pass_and_loopback_or_http_with_basic_auth_do_not() {
        let ok = Url::parse("https://hooks.example.net/ado").unwrap();
        assert_eq!(refusal(&ok, true), None);
        for bad in [
            "http://hooks.example.net/ado",
            "https://127.0.0.1:9/x",
            "https://localhost/x",
            "https://[::1]/",
            "https://10.0.0.1/",
        ] {
            assert!(refusal(&Url::parse(bad).unwrap(), true).is_some(), "{bad}");
        }
        assert!(refusal(&Url::parse("https://169.254.169.254/").unwrap(), false).is_some());
    }
}
