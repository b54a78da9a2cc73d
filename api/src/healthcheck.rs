//! `vcslink healthcheck`: asks the configured listen address's `/healthz`, for container
//! HEALTHCHECKs and probes that have no shell tools (the image's `/bin/sh` is dash, without `/dev/tcp`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

/// How long the whole check may take: a HEALTHCHECK's own timeout is usually a few seconds.
const TIMEOUT: Duration = Duration::from_secs(2);

/// Where to connect for `listen`: a wildcard bind (`0.0.0.0`, `[::]`) is reached on 127.0.0.1.
pub fn target(listen: SocketAddr) -> SocketAddr {
    if listen.ip().is_unspecified() { SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), listen.port()) } else { listen }
}

/// `Ok` when `GET /healthz` on `listen` answers 200 within the timeout; otherwise what went wrong.
pub async fn check(listen: SocketAddr) -> Result<(), String> {
    let url = format!("http://{}/healthz", target(listen));
    let client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .map_err(|e| format!("http client: {e}"))?;
    let response = client.get(&url).send().await.map_err(|e| format!("{url}: {e}"))?;
    if response.status() == reqwest::StatusCode::OK {
        Ok(())
    } else {
        Err(format!("{url} answered {}", response.status()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wildcard_bind_is_checked_on_loopback_and_a_specific_one_as_is() {
        assert_eq!(target("0.0.0.0:8080".parse().unwrap()), "127.0.0.1:8080".parse().unwrap());
        assert_eq!(target("[::]:9000".parse().unwrap()), "127.0.0.1:9000".parse().unwrap());
        assert_eq!(target("10.0.0.5:8080".parse().unwrap()), "10.0.0.5:8080".parse().unwrap());
        assert_eq!(target("[::1]:8080".parse().unwrap()), "[::1]:8080".parse().unwrap());
    }
}
