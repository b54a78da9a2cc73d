//! The Azure DevOps organization (Services) or collection (Server) URL, in one canonical form.
//!
//! One organization must never be stored under two names, so every accepted spelling maps to a
//! single canonical URL: `https://dev.azure.com/{org}` for Services (also for
//! `{org}.visualstudio.com`), `{scheme}://{host}[:{port}]/[tfs/]{collection}` for Server.
//! `http://` is accepted here; whether it may be used is the upstream (SSRF) policy's call.

use std::fmt;

use url::Url;

use super::error::InvalidInput;
use super::flavor::Flavor;

const FIELD: &str = "organizationUrl";
const SERVICES_HOST: &str = "dev.azure.com";
const LEGACY_SERVICES_SUFFIX: &str = ".visualstudio.com";

/// A parsed organization URL. All API paths hang off [`OrganizationUrl::api_base`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrganizationUrl {
    canonical: String,
    url: Url,
    flavor: Flavor,
    organization: String,
}

impl OrganizationUrl {
    /// Parses what a person typed. `flavor`, when given, wins over the host: a SERVICES
    /// organization on another host (a proxy, a test double) keeps that host. Only
    /// `*.visualstudio.com` is rewritten, to `https://dev.azure.com/{org}`.
    pub fn parse(input: &str, flavor: Option<Flavor>) -> Result<OrganizationUrl, InvalidInput> {
        let input = input.trim();
        if input.is_empty() {
            return Err(invalid("is required").with_hint("use https://dev.azure.com/{organization}"));
        }
        if !input.contains("://") {
            return Err(missing_scheme(input, flavor));
        }
        let url = Url::parse(input)
            .map_err(|_| invalid("is not a URL").with_hint("use https://dev.azure.com/{organization}"))?;
        if url.scheme() != "https" && url.scheme() != "http" {
            return Err(invalid(format!("must be an https:// URL, not {}://", url.scheme()))
                .with_hint("use https://dev.azure.com/{organization}"));
        }
        let host = url.host_str().unwrap_or_default().trim_end_matches('.').to_ascii_lowercase();
        if host.is_empty() {
            return Err(invalid("has no host").with_hint("use https://dev.azure.com/{organization}"));
        }
        let origin = match url.port() {
            Some(port) => format!("{}://{host}:{port}", url.scheme()),
            None => format!("{}://{host}", url.scheme()),
        };
        let segments: Vec<&str> = url.path_segments().into_iter().flatten().filter(|s| !s.is_empty()).collect();
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("must not contain a user name or password")
                .with_hint("put the token in personalAccessToken, and the URL without credentials here"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("must not have a query string or fragment")
                .with_hint(format!("use {}", join_path(&origin, &segments))));
        }
        let legacy_org = legacy_services_org(&host);
        let microsoft_host = host == SERVICES_HOST || host.ends_with(LEGACY_SERVICES_SUFFIX);
        let flavor = flavor.unwrap_or(if microsoft_host { Flavor::Services } else { Flavor::Server });
        match flavor {
            Flavor::Server if microsoft_host => Err(invalid(format!("{host} is Azure DevOps Services, not Server"))
                .with_hint("omit flavor, or use SERVICES")),
            Flavor::Server => server(&origin, &segments),
            Flavor::Services if host == SERVICES_HOST => {
                if url.port().is_some() {
                    return Err(invalid("must not name a port").with_hint("use https://dev.azure.com/{organization}"));
                }
                services("https://dev.azure.com", &segments)
            }
            Flavor::Services if microsoft_host => legacy_services(&host, legacy_org, url.port(), &segments),
            Flavor::Services => services(&origin, &segments),
        }
    }

    /// The canonical URL, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The canonical URL, parsed.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Services or Server.
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// The organization name (lower case) on Services, the collection name (as given, decoded) on Server.
    pub fn organization(&self) -> &str {
        &self.organization
    }

    /// The base of every API path: `{base}/_apis/...` or `{base}/{project}/_apis/...`.
    pub fn api_base(&self) -> &str {
        &self.canonical
    }

    /// The page where a user creates a personal access token.
    pub fn pat_page_url(&self) -> String {
        format!("{}/_usersSettings/tokens", self.canonical)
    }

    /// The canonical URL in lower case: Server collection names are case-insensitive, so
    /// uniqueness checks compare this.
    pub fn canonical_key(&self) -> String {
        self.canonical.to_lowercase()
    }

    /// True for an `http://` URL, which the upstream policy allows only for private upstreams.
    pub fn is_http(&self) -> bool {
        self.url.scheme() == "http"
    }
}

impl fmt::Display for OrganizationUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

fn invalid(message: impl Into<String>) -> InvalidInput {
    InvalidInput::new(FIELD, message)
}

/// `contoso` or `dev.azure.com/contoso`: suggest the URL the person most likely meant.
fn missing_scheme(input: &str, flavor: Option<Flavor>) -> InvalidInput {
    if is_services_org_name(input) {
        return invalid("must be a URL, not a bare name")
            .with_hint(format!("use https://dev.azure.com/{}", input.to_ascii_lowercase()));
    }
    let hint = match OrganizationUrl::parse(&format!("https://{input}"), flavor) {
        Ok(url) => format!("use {url}"),
        Err(err) => err.hint.unwrap_or_else(|| "start the URL with https://".to_owned()),
    };
    invalid("must start with https://").with_hint(hint)
}

/// `{org}.visualstudio.com` → `Some(org)`; deeper hosts such as `app.vssps.visualstudio.com` are
/// services, not organizations.
fn legacy_services_org(host: &str) -> Option<&str> {
    host.strip_suffix(LEGACY_SERVICES_SUFFIX).filter(|label| !label.contains('.'))
}

/// Services on dev.azure.com or an explicit SERVICES host: exactly one path segment, the org.
fn services(origin: &str, segments: &[&str]) -> Result<OrganizationUrl, InvalidInput> {
    let Some(first) = segments.first() else {
        return Err(invalid("names no organization").with_hint(format!("use {origin}/{{organization}}")));
    };
    let org = first.to_ascii_lowercase();
    if !is_services_org_name(&org) {
        return Err(invalid(format!("\"{first}\" is not an organization name"))
            .with_hint(format!("organization names use letters, digits and hyphens: use {origin}/{{organization}}")));
    }
    if segments.len() > 1 {
        return Err(invalid("points into a project or page, not at the organization")
            .with_hint(format!("use {origin}/{org}, without a project path")));
    }
    build(format!("{origin}/{org}"), Flavor::Services, org)
}

/// `{org}.visualstudio.com[/DefaultCollection]` → `https://dev.azure.com/{org}`.
fn legacy_services(
    host: &str,
    org: Option<&str>,
    port: Option<u16>,
    segments: &[&str],
) -> Result<OrganizationUrl, InvalidInput> {
    let Some(org) = org.filter(|org| is_services_org_name(org)) else {
        return Err(
            invalid(format!("{host} is not an organization URL")).with_hint("use https://dev.azure.com/{organization}")
        );
    };
    let canonical = format!("https://dev.azure.com/{org}");
    let rest = match segments.first() {
        Some(first) if first.eq_ignore_ascii_case("DefaultCollection") => &segments[1..],
        _ => segments,
    };
    if port.is_some() || !rest.is_empty() {
        return Err(invalid("points into a project or page, not at the organization")
            .with_hint(format!("use {canonical}, without a project path")));
    }
    build(canonical, Flavor::Services, org.to_owned())
}

/// Server: `/{collection}` or `/tfs/{collection}`, nothing deeper.
fn server(origin: &str, segments: &[&str]) -> Result<OrganizationUrl, InvalidInput> {
    let no_collection =
        || invalid("names no collection").with_hint(format!("add the collection, e.g. {origin}/tfs/DefaultCollection"));
    let (prefix, collection, rest) = match segments {
        [] => return Err(no_collection()),
        [tfs] if tfs.eq_ignore_ascii_case("tfs") => return Err(no_collection()),
        [tfs, collection, rest @ ..] if tfs.eq_ignore_ascii_case("tfs") => {
            (format!("{origin}/{tfs}"), *collection, rest)
        }
        [collection, rest @ ..] => (origin.to_owned(), *collection, rest),
    };
    let Some(name) = percent_decode(collection).filter(|name| is_collection_name(name)) else {
        return Err(invalid(format!("\"{collection}\" is not a collection name"))
            .with_hint(format!("add the collection, e.g. {origin}/tfs/DefaultCollection")));
    };
    if !rest.is_empty() {
        return Err(invalid("points into a project or page, not at the collection")
            .with_hint(format!("use {prefix}/{collection}, without a project path")));
    }
    build(format!("{prefix}/{collection}"), Flavor::Server, name)
}

fn join_path(origin: &str, segments: &[&str]) -> String {
    if segments.is_empty() { origin.to_owned() } else { format!("{origin}/{}", segments.join("/")) }
}

fn build(canonical: String, flavor: Flavor, organization: String) -> Result<OrganizationUrl, InvalidInput> {
    // The canonical string was assembled from parts of a parsed URL, so this only fails on a bug;
    // it still becomes an input error rather than a panic.
    let url = Url::parse(&canonical).map_err(|_| invalid("is not a URL"))?;
    Ok(OrganizationUrl { canonical, url, flavor, organization })
}

/// Azure DevOps organization names: 1–50 letters, digits and hyphens, starting and ending with a
/// letter or digit.
fn is_services_org_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (1..=50).contains(&bytes.len())
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// Collection names: no control characters or path/query characters (even escaped), and not a
/// page such as `_apis` or `_git`.
fn is_collection_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 64
        && !name.starts_with('_')
        && !name.starts_with('.')
        && !name.chars().any(|c| c.is_control() || matches!(c, '/' | '\\' | '?' | '#'))
}

/// Decodes `%XX` escapes of one path segment; `None` for a bad escape or non-UTF-8 result.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%' {
            let hex = bytes.get(index + 1..index + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let text = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(text, 16).ok()?);
            index += 3;
        } else {
            out.push(byte);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
#[path = "organization_url_tests.rs"]
mod tests;
