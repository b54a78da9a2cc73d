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
mod tests {
    //! Table-driven tests of organization URL parsing: every accepted shape and every refusal.

    use super::*;

    const SERVICES: Option<Flavor> = Some(Flavor::Services);
    const SERVER: Option<Flavor> = Some(Flavor::Server);

    #[test]
    fn every_accepted_shape_has_one_canonical_form() {
        // (input, explicit flavor, canonical, flavor, organization)
        #[rustfmt::skip]
        let cases: &[(&str, Option<Flavor>, &str, Flavor, &str)] = &[
            ("https://dev.azure.com/contoso", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
            ("https://dev.azure.com/contoso/", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
            ("  https://dev.azure.com/Contoso  \n", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
            ("https://DEV.Azure.com/CONTOSO", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
            ("https://dev.azure.com:443/contoso", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
            ("http://dev.azure.com/contoso", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
            ("https://dev.azure.com/contoso", SERVICES, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
            ("https://dev.azure.com/my-org-2", None, "https://dev.azure.com/my-org-2", Flavor::Services, "my-org-2"),
            ("https://contoso.visualstudio.com", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
            ("https://Contoso.VisualStudio.com/", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
            ("https://contoso.visualstudio.com/DefaultCollection", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
            ("https://contoso.visualstudio.com/defaultcollection/", SERVICES, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
            ("http://contoso.visualstudio.com", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
            ("http://127.0.0.1:8081/contoso", SERVICES, "http://127.0.0.1:8081/contoso", Flavor::Services, "contoso"),
            ("http://127.0.0.1:8081/Contoso/", SERVICES, "http://127.0.0.1:8081/contoso", Flavor::Services, "contoso"),
            ("https://ado-proxy.example.com/contoso", SERVICES, "https://ado-proxy.example.com/contoso", Flavor::Services, "contoso"),
            ("http://[::1]:9000/contoso", SERVICES, "http://[::1]:9000/contoso", Flavor::Services, "contoso"),
            ("https://ado.example.com/DefaultCollection", None, "https://ado.example.com/DefaultCollection", Flavor::Server, "DefaultCollection"),
            ("https://ADO.example.com:443/DefaultCollection/", None, "https://ado.example.com/DefaultCollection", Flavor::Server, "DefaultCollection"),
            ("https://ado.example.com/tfs/DefaultCollection", None, "https://ado.example.com/tfs/DefaultCollection", Flavor::Server, "DefaultCollection"),
            ("https://ado.example.com/TFS/Fabrikam", SERVER, "https://ado.example.com/TFS/Fabrikam", Flavor::Server, "Fabrikam"),
            ("http://ado.example.com:8080/tfs/Fabrikam", None, "http://ado.example.com:8080/tfs/Fabrikam", Flavor::Server, "Fabrikam"),
            ("http://ado.example.com:80/tfs/Fabrikam", None, "http://ado.example.com/tfs/Fabrikam", Flavor::Server, "Fabrikam"),
            ("https://ado.example.com/My%20Collection", None, "https://ado.example.com/My%20Collection", Flavor::Server, "My Collection"),
            ("http://127.0.0.1:8081/DefaultCollection", None, "http://127.0.0.1:8081/DefaultCollection", Flavor::Server, "DefaultCollection"),
        ];
        for (input, flavor, canonical, expected_flavor, organization) in cases {
            let url = OrganizationUrl::parse(input, *flavor).unwrap_or_else(|e| panic!("{input}: {e:?}"));
            assert_eq!(url.as_str(), *canonical, "{input}");
            assert_eq!(url.api_base(), *canonical, "{input}");
            assert_eq!(url.url().as_str().trim_end_matches('/'), *canonical, "{input}");
            assert_eq!(url.flavor(), *expected_flavor, "{input}");
            assert_eq!(url.organization(), *organization, "{input}");
            assert_eq!(url.to_string(), *canonical, "{input}");
            // The canonical form parses to itself: what is stored can be parsed again.
            let again = OrganizationUrl::parse(url.as_str(), Some(url.flavor())).unwrap();
            assert_eq!(again, url, "{input}");
        }
    }

    #[test]
    fn every_refusal_names_the_field_and_gives_an_actionable_hint() {
        // (input, explicit flavor, expected hint fragment)
        #[rustfmt::skip]
        let cases: &[(&str, Option<Flavor>, &str)] = &[
            ("", None, "https://dev.azure.com/{organization}"),
            ("   ", None, "https://dev.azure.com/{organization}"),
            ("contoso", None, "use https://dev.azure.com/contoso"),
            ("Contoso", None, "use https://dev.azure.com/contoso"),
            ("dev.azure.com/contoso", None, "use https://dev.azure.com/contoso"),
            ("dev.azure.com/contoso/Platform", None, "use https://dev.azure.com/contoso, without a project path"),
            ("ado.example.com/tfs/DefaultCollection", None, "use https://ado.example.com/tfs/DefaultCollection"),
            ("https://dev.azure.com/contoso/Platform", None, "use https://dev.azure.com/contoso, without a project path"),
            ("https://dev.azure.com/contoso/Platform/_git/api", None, "use https://dev.azure.com/contoso, without a project path"),
            ("https://dev.azure.com/contoso/_git/api", None, "use https://dev.azure.com/contoso, without a project path"),
            ("https://dev.azure.com/contoso/_apis", None, "use https://dev.azure.com/contoso, without a project path"),
            ("https://dev.azure.com/contoso/_usersSettings/tokens", None, "without a project path"),
            ("https://contoso.visualstudio.com/Platform", None, "use https://dev.azure.com/contoso, without a project path"),
            ("https://contoso.visualstudio.com/DefaultCollection/Platform", None, "use https://dev.azure.com/contoso, without a project path"),
            ("https://dev.azure.com/contoso?view=all", None, "use https://dev.azure.com/contoso"),
            ("https://dev.azure.com/contoso#top", None, "use https://dev.azure.com/contoso"),
            ("https://dev.azure.com/contoso?", None, "use https://dev.azure.com/contoso"),
            ("https://user:pat@dev.azure.com/contoso", None, "personalAccessToken"),
            ("https://pat@dev.azure.com/contoso", None, "personalAccessToken"),
            ("https://:pat@ado.example.com/tfs/Coll", None, "personalAccessToken"),
            ("ftp://dev.azure.com/contoso", None, "https://dev.azure.com/{organization}"),
            ("file:///etc/passwd", None, "https://dev.azure.com/{organization}"),
            ("https://dev.azure.com", None, "https://dev.azure.com/{organization}"),
            ("https://dev.azure.com/", None, "https://dev.azure.com/{organization}"),
            ("https://dev.azure.com:8443/contoso", None, "https://dev.azure.com/{organization}"),
            ("https://dev.azure.com/-contoso", None, "letters, digits and hyphens"),
            ("https://dev.azure.com/con_toso", None, "letters, digits and hyphens"),
            ("https://dev.azure.com/contoso", SERVER, "omit flavor, or use SERVICES"),
            ("https://contoso.visualstudio.com", SERVER, "omit flavor, or use SERVICES"),
            ("https://app.vssps.visualstudio.com", None, "https://dev.azure.com/{organization}"),
            ("https://ado.example.com", None, "add the collection, e.g. https://ado.example.com/tfs/DefaultCollection"),
            ("https://ado.example.com/", None, "add the collection, e.g. https://ado.example.com/tfs/DefaultCollection"),
            ("https://ado.example.com/tfs", None, "add the collection, e.g. https://ado.example.com/tfs/DefaultCollection"),
            ("https://ado.example.com/tfs/", None, "add the collection"),
            ("https://ado.example.com/_apis", None, "add the collection"),
            ("https://ado.example.com/tfs/Coll/Platform", None, "use https://ado.example.com/tfs/Coll, without a project path"),
            ("https://ado.example.com/tfs/Coll/_apis/projects", None, "use https://ado.example.com/tfs/Coll, without a project path"),
            ("https://ado.example.com/Coll/Platform", None, "use https://ado.example.com/Coll, without a project path"),
            ("https://ado.example.com/a/b/c", None, "without a project path"),
            ("http://127.0.0.1:8081", SERVICES, "use http://127.0.0.1:8081/{organization}"),
            ("http://127.0.0.1:8081/contoso/Platform", SERVICES, "use http://127.0.0.1:8081/contoso, without a project path"),
            ("https://", None, "https://dev.azure.com/{organization}"),
            ("https://dev.azure.com/%ZZ", None, "letters, digits and hyphens"),
            ("https://ado.example.com/%ZZ", None, "add the collection"),
            ("https://ado.example.com/a%2Fb", None, "add the collection"),
            ("https://ado.example.com/tfs/a%5Cb", None, "add the collection"),
        ];
        for (input, flavor, hint) in cases {
            let err = OrganizationUrl::parse(input, *flavor).expect_err(input);
            assert_eq!(err.field, "organizationUrl", "{input}");
            let got = err.hint.clone().unwrap_or_default();
            assert!(got.contains(hint), "{input}: hint {got:?} lacks {hint:?} ({err})");
            assert!(!err.message.contains("pat@"), "{input}: the message must not echo credentials");
            assert!(!got.contains("pat@"), "{input}: the hint must not echo credentials");
        }
    }

    #[test]
    fn the_flavor_is_inferred_from_the_host_unless_given() {
        assert_eq!(OrganizationUrl::parse("https://dev.azure.com/c", None).unwrap().flavor(), Flavor::Services);
        assert_eq!(OrganizationUrl::parse("https://c.visualstudio.com", None).unwrap().flavor(), Flavor::Services);
        assert_eq!(OrganizationUrl::parse("http://127.0.0.1:1/c", None).unwrap().flavor(), Flavor::Server);
        assert_eq!(OrganizationUrl::parse("http://127.0.0.1:1/c", SERVICES).unwrap().flavor(), Flavor::Services);
    }

    #[test]
    fn pat_page_and_http_flag_follow_the_canonical_url() {
        let services = OrganizationUrl::parse("https://contoso.visualstudio.com/", None).unwrap();
        assert_eq!(services.pat_page_url(), "https://dev.azure.com/contoso/_usersSettings/tokens");
        assert!(!services.is_http());
        let server = OrganizationUrl::parse("http://ado.local:8080/tfs/Coll", None).unwrap();
        assert_eq!(server.pat_page_url(), "http://ado.local:8080/tfs/Coll/_usersSettings/tokens");
        assert!(server.is_http());
    }

    #[test]
    fn canonical_keys_ignore_case_so_one_collection_has_one_key() {
        let a = OrganizationUrl::parse("https://ado.example.com/tfs/DefaultCollection", None).unwrap();
        let b = OrganizationUrl::parse("https://ADO.example.com/TFS/defaultcollection/", None).unwrap();
        assert_ne!(a.as_str(), b.as_str());
        assert_eq!(a.canonical_key(), b.canonical_key());
        let c = OrganizationUrl::parse("https://Contoso.visualstudio.com", None).unwrap();
        let d = OrganizationUrl::parse("https://dev.azure.com/CONTOSO", None).unwrap();
        assert_eq!(c, d);
        assert_eq!(c.canonical_key(), "https://dev.azure.com/contoso");
    }

    #[test]
    fn odd_inputs_never_panic() {
        let inputs = [
            "https://%",
            "http://[::1",
            "https://dev.azure.com/%",
            "https://ado/%e2%28%a1",
            "https://ado/%+f",
            "://",
            "https://dev.azure.com//contoso",
            "https://dev.azure.com/contoso//",
            "\u{0}",
            "https://ado/\u{7f}",
            "https://dev.azure.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ];
        for input in inputs {
            for flavor in [None, SERVICES, SERVER] {
                let _ = OrganizationUrl::parse(input, flavor);
            }
        }
    }
}
