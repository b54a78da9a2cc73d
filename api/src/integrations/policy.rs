//! What the server accepts beyond a well-formed input: upstream hosts it may call, and the
//! credentials an integration must hold.

use url::Url;

use crate::azure::guard;
use crate::domain::OrganizationUrl;
use crate::domain::error::InvalidInput;
use crate::domain::flavor::Flavor;
use crate::domain::oauth_app::OAuthApp;

/// The organization URL must be one the server may call (SSRF guard, before any request).
pub fn check_upstream(org: &OrganizationUrl, allow_private: bool) -> Result<(), InvalidInput> {
    guard::check_url(org.url(), allow_private).map_err(|e| {
        InvalidInput::new("organizationUrl", format!("this address may not be called: {e}")).with_hint(
            "use the public https:// URL of the organization; for a lab or test server on a private network, \
             start vcslink with VCSLINK_ALLOW_PRIVATE_UPSTREAMS=true",
        )
    })
}

pub fn check_oauth_urls(app: &OAuthApp, allow_private: bool) -> Result<(), InvalidInput> {
    for (field, url) in [
        ("oauthApp.issuerUrl", app.issuer_url()),
        ("oauthApp.authorizationUrl", app.authorization_url()),
        ("oauthApp.tokenUrl", app.token_url()),
    ] {
        guard::check_url(url, allow_private).map_err(|e| {
            InvalidInput::new(field, format!("this address may not be called: {e}")).with_hint(
                "use the https:// endpoints of Microsoft Entra ID (or leave them out to derive them from tenantId)",
            )
        })?;
    }
    Ok(())
}

/// The authorization and token endpoints must be on the configured Entra authority's host: a
/// token URL elsewhere would receive every user's refresh token and the client secret.
/// `allow_custom` (`VCSLINK_ALLOW_CUSTOM_OAUTH_HOSTS`) lifts this for gateways and labs.
pub fn check_oauth_hosts(app: &OAuthApp, authority: &Url, allow_custom: bool) -> Result<(), InvalidInput> {
    if allow_custom {
        return Ok(());
    }
    let origin =
        |u: &Url| (u.scheme().to_owned(), u.host_str().map(str::to_ascii_lowercase), u.port_or_known_default());
    for (field, url) in [("oauthApp.authorizationUrl", app.authorization_url()), ("oauthApp.tokenUrl", app.token_url())]
    {
        if origin(url) != origin(authority) {
            return Err(InvalidInput::new(
                field,
                format!("is not on the Entra ID authority {}", authority.as_str().trim_end_matches('/')),
            )
            .with_hint(
                "leave authorizationUrl and tokenUrl out to derive them from tenantId; to use another host on \
                 purpose, start vcslink with VCSLINK_ALLOW_CUSTOM_OAUTH_HOSTS=true",
            ));
        }
    }
    Ok(())
}

/// At least one credential; OAuth only on Azure DevOps Services.
pub fn check_credentials(
    org: &OrganizationUrl,
    has_pat: bool,
    has_oauth: bool,
    has_app_identity: bool,
) -> Result<(), InvalidInput> {
    if !has_pat && !has_oauth && !has_app_identity {
        return Err(InvalidInput::new(
            "personalAccessToken",
            "an integration needs a personal access token, an OAuth app or an app identity",
        )
        .with_hint(format!("create a token at {} and pass it as personalAccessToken", org.pat_page_url())));
    }
    if has_oauth && org.flavor() == Flavor::Server {
        return Err(InvalidInput::new("oauthApp", "Microsoft Entra ID OAuth exists for Azure DevOps Services only")
            .with_hint("use a personal access token for Azure DevOps Server"));
    }
    Ok(())
}
