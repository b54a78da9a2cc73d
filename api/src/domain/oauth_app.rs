//! An Entra ID OAuth app for Azure DevOps: its tenant, endpoints, client credentials and scopes.
//!
//! Endpoints not given are derived from the tenant and the configured authority
//! (`VCSLINK_ENTRA_AUTHORITY`); given ones must be absolute http(s) URLs (the upstream policy
//! decides later whether http or private hosts may be used).

use secrecy::SecretString;
use url::Url;

use super::entra_ids::{ClientId, TenantId};
use super::error::InvalidInput;
use super::secrets::ClientSecret;

/// The Entra ID resource (application) ID of Azure DevOps; its scopes are `{id}/vso.*`.
pub const ADO_RESOURCE_ID: &str = "499b84ac-1321-427f-aa17-267ca6975798";

/// Scopes requested when the input names none: code and work items read/write, a refresh token,
/// and the OpenID Connect identity of the user.
pub const DEFAULT_SCOPES: &[&str] = &[
    "499b84ac-1321-427f-aa17-267ca6975798/vso.code_write",
    "499b84ac-1321-427f-aa17-267ca6975798/vso.work_write",
    "offline_access",
    "openid",
    "profile",
    "email",
];

/// The `oauthApp` input as received, before parsing.
#[derive(Debug, Clone, Default)]
pub struct OAuthAppFields {
    pub tenant_id: Option<String>,
    pub issuer_url: Option<String>,
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub client_id: String,
    pub client_secret: String,
    pub scopes: Option<Vec<String>>,
}

/// A parsed OAuth app; `Debug` redacts the client secret.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    tenant_id: TenantId,
    issuer_url: Url,
    authorization_url: Url,
    token_url: Url,
    discovery_url: Url,
    client_id: ClientId,
    client_secret: ClientSecret,
    scopes: Vec<String>,
}

impl OAuthApp {
    /// Parses the `oauthApp` input. `authority` is the Entra ID base, e.g.
    /// `https://login.microsoftonline.com`.
    pub fn parse(input: OAuthAppFields, authority: &Url) -> Result<OAuthApp, InvalidInput> {
        let authority = authority.as_str().trim_end_matches('/');
        let client_id = ClientId::parse(&input.client_id)?;
        let client_secret = ClientSecret::parse(&input.client_secret)?;
        let given_issuer =
            non_blank(input.issuer_url.as_deref()).map(|raw| absolute_url("oauthApp.issuerUrl", raw)).transpose()?;
        let tenant_id = tenant(non_blank(input.tenant_id.as_deref()), given_issuer.as_ref())?;
        let tenant_base = format!("{authority}/{tenant_id}");
        let derive = |suffix: &str| absolute_url("oauthApp.tenantId", &format!("{tenant_base}{suffix}"));
        let issuer_url = match given_issuer {
            Some(url) => url,
            None => derive("/v2.0")?,
        };
        let authorization_url = match non_blank(input.authorization_url.as_deref()) {
            Some(raw) => absolute_url("oauthApp.authorizationUrl", raw)?,
            None => derive("/oauth2/v2.0/authorize")?,
        };
        let token_url = match non_blank(input.token_url.as_deref()) {
            Some(raw) => absolute_url("oauthApp.tokenUrl", raw)?,
            None => derive("/oauth2/v2.0/token")?,
        };
        let discovery = format!("{}/.well-known/openid-configuration", issuer_url.as_str().trim_end_matches('/'));
        let discovery_url = absolute_url("oauthApp.issuerUrl", &discovery)?;
        let scopes = match input.scopes {
            None => DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            Some(given) => parse_scopes(&given)?,
        };
        Ok(OAuthApp {
            tenant_id,
            issuer_url,
            authorization_url,
            token_url,
            discovery_url,
            client_id,
            client_secret,
            scopes,
        })
    }

    /// The tenant: a lower-case GUID or domain.
    pub fn tenant_id(&self) -> &str {
        self.tenant_id.as_str()
    }

    /// The tenant, typed.
    pub fn tenant(&self) -> &TenantId {
        &self.tenant_id
    }

    /// The issuer, `{authority}/{tenant}/v2.0` unless given; checked against ID tokens' `iss`.
    pub fn issuer_url(&self) -> &Url {
        &self.issuer_url
    }

    /// Where users are sent to authorize.
    pub fn authorization_url(&self) -> &Url {
        &self.authorization_url
    }

    /// Where codes and refresh tokens are exchanged.
    pub fn token_url(&self) -> &Url {
        &self.token_url
    }

    /// `{issuer}/.well-known/openid-configuration`, used by verification.
    pub fn discovery_url(&self) -> &Url {
        &self.discovery_url
    }

    /// The application (client) ID: a lower-case hyphenated GUID.
    pub fn client_id(&self) -> &str {
        self.client_id.as_str()
    }

    /// The client secret, for the token request and for sealing.
    pub fn client_secret(&self) -> &SecretString {
        self.client_secret.secret()
    }

    /// The last 4 characters of the client secret (empty for short values).
    pub fn client_secret_hint(&self) -> String {
        self.client_secret.hint()
    }

    /// Scopes to request, deduplicated, in the order given.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// True when the scopes lack `offline_access`: no refresh token, so users must authorize again
    /// when the access token expires (about an hour). Kept, but worth a warning.
    pub fn missing_offline_access(&self) -> bool {
        !self.scopes.iter().any(|s| s == "offline_access")
    }

    /// True when no scope is an Azure DevOps scope (`{ADO_RESOURCE_ID}/...`): the token would not
    /// open Azure DevOps at all.
    pub fn missing_azure_devops_scope(&self) -> bool {
        let prefix = format!("{ADO_RESOURCE_ID}/");
        !self.scopes.iter().any(|s| s.starts_with(&prefix))
    }
}

fn non_blank(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// The tenant from `tenantId`, else from the issuer's `/{tenant}/v2.0` path; both must agree.
fn tenant(given: Option<&str>, issuer: Option<&Url>) -> Result<TenantId, InvalidInput> {
    let from_issuer = issuer.and_then(issuer_tenant);
    match (given, from_issuer) {
        (Some(given), from_issuer) => {
            let tenant = TenantId::parse(given)?;
            if let Some(raw) = from_issuer
                && TenantId::parse_field("oauthApp.issuerUrl", raw)? != tenant
            {
                return Err(InvalidInput::new("oauthApp.issuerUrl", format!("names tenant {raw}, not {tenant}"))
                    .with_hint("make tenantId and issuerUrl name the same tenant, or send only one of them"));
            }
            Ok(tenant)
        }
        (None, Some(raw)) => TenantId::parse_field("oauthApp.issuerUrl", raw),
        (None, None) => {
            let (field, message) = match issuer {
                Some(_) => ("oauthApp.issuerUrl", "does not end in /{tenant}/v2.0"),
                None => ("oauthApp.tenantId", "is required when issuerUrl is not given"),
            };
            Err(InvalidInput::new(field, message)
                .with_hint("send tenantId: the Directory (tenant) ID GUID from the app registration's Overview page"))
        }
    }
}

/// `https://login.microsoftonline.com/{tenant}/v2.0[/]` → `{tenant}`.
fn issuer_tenant(issuer: &Url) -> Option<&str> {
    let segments: Vec<&str> = issuer.path_segments()?.filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [.., tenant, "v2.0"] => Some(*tenant),
        _ => None,
    }
}

fn absolute_url(field: &str, raw: &str) -> Result<Url, InvalidInput> {
    let hint = "use an absolute https:// URL";
    let url = Url::parse(raw.trim()).map_err(|_| InvalidInput::new(field, "is not an absolute URL").with_hint(hint))?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none_or(str::is_empty) {
        return Err(InvalidInput::new(field, "is not an http(s) URL").with_hint(hint));
    }
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err(InvalidInput::new(field, "must not contain credentials or a fragment").with_hint(hint));
    }
    Ok(url)
}

fn parse_scopes(given: &[String]) -> Result<Vec<String>, InvalidInput> {
    const FIELD: &str = "oauthApp.scopes";
    if given.is_empty() {
        return Err(InvalidInput::new(FIELD, "is an empty list").with_hint("omit scopes to use the defaults"));
    }
    let mut scopes: Vec<String> = Vec::new();
    for scope in given {
        if scope.is_empty() || scope.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidInput::new(FIELD, "has an empty scope or one containing whitespace")
                .with_hint(format!("send one scope per list item, e.g. {ADO_RESOURCE_ID}/vso.code_write")));
        }
        if !scopes.contains(scope) {
            scopes.push(scope.clone());
        }
    }
    Ok(scopes)
}

#[cfg(test)]
mod tests {
    //! Tests of OAuth app parsing: tenant sources, derived endpoints, explicit URLs, scopes.

    use super::*;

    const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    const CLIENT: &str = "11111111-2222-3333-4444-555555555555";

    fn authority() -> Url {
        Url::parse("https://login.microsoftonline.com/").unwrap()
    }

    fn fields() -> OAuthAppFields {
        OAuthAppFields {
            tenant_id: Some(TENANT.to_owned()),
            client_id: CLIENT.to_owned(),
            client_secret: "Ab8Q~secret-value-0123456789".to_owned(),
            ..OAuthAppFields::default()
        }
    }

    #[test]
    fn endpoints_are_derived_from_the_tenant_and_authority() {
        let app = OAuthApp::parse(fields(), &authority()).unwrap();
        let base = format!("https://login.microsoftonline.com/{TENANT}");
        assert_eq!(app.tenant_id(), TENANT);
        assert_eq!(app.issuer_url().as_str(), format!("{base}/v2.0"));
        assert_eq!(app.authorization_url().as_str(), format!("{base}/oauth2/v2.0/authorize"));
        assert_eq!(app.token_url().as_str(), format!("{base}/oauth2/v2.0/token"));
        assert_eq!(app.discovery_url().as_str(), format!("{base}/v2.0/.well-known/openid-configuration"));
        assert_eq!(app.client_id(), CLIENT);
        assert_eq!(app.tenant().as_str(), TENANT);
        assert_eq!(app.client_secret_hint(), "6789");
        assert_eq!(app.scopes(), DEFAULT_SCOPES);
        assert!(!app.missing_offline_access());
        assert!(!app.missing_azure_devops_scope());
        assert!(!format!("{app:?}").contains("secret-value"));
    }

    #[test]
    fn the_tenant_can_come_from_the_issuer_url() {
        let input = OAuthAppFields {
            tenant_id: None,
            issuer_url: Some(format!("http://127.0.0.1:9000/{TENANT}/v2.0/")),
            ..fields()
        };
        let app = OAuthApp::parse(input, &Url::parse("http://127.0.0.1:9000").unwrap()).unwrap();
        assert_eq!(app.tenant_id(), TENANT);
        assert_eq!(app.issuer_url().as_str(), format!("http://127.0.0.1:9000/{TENANT}/v2.0/"));
        assert_eq!(
            app.discovery_url().as_str(),
            format!("http://127.0.0.1:9000/{TENANT}/v2.0/.well-known/openid-configuration")
        );
        assert_eq!(app.token_url().as_str(), format!("http://127.0.0.1:9000/{TENANT}/oauth2/v2.0/token"));
    }

    #[test]
    fn explicit_endpoints_win_over_derived_ones() {
        let input = OAuthAppFields {
            authorization_url: Some("https://login.example.com/authorize".to_owned()),
            token_url: Some("https://login.example.com/token".to_owned()),
            ..fields()
        };
        let app = OAuthApp::parse(input, &authority()).unwrap();
        assert_eq!(app.authorization_url().as_str(), "https://login.example.com/authorize");
        assert_eq!(app.token_url().as_str(), "https://login.example.com/token");
    }

    #[test]
    fn a_tenant_is_required_from_one_source_and_both_must_agree() {
        let none = OAuthAppFields { tenant_id: None, ..fields() };
        let err = OAuthApp::parse(none, &authority()).unwrap_err();
        assert_eq!(err.field, "oauthApp.tenantId");
        assert!(err.hint.unwrap().contains("tenant) ID GUID"));

        let blank = OAuthAppFields { tenant_id: Some("  ".to_owned()), ..fields() };
        assert_eq!(OAuthApp::parse(blank, &authority()).unwrap_err().field, "oauthApp.tenantId");

        let no_tenant_path =
            OAuthAppFields { tenant_id: None, issuer_url: Some("https://login.example.com/".to_owned()), ..fields() };
        assert_eq!(OAuthApp::parse(no_tenant_path, &authority()).unwrap_err().field, "oauthApp.issuerUrl");

        let other = "00000000-0000-0000-0000-000000000001";
        let disagree =
            OAuthAppFields { issuer_url: Some(format!("https://login.microsoftonline.com/{other}/v2.0")), ..fields() };
        assert_eq!(OAuthApp::parse(disagree, &authority()).unwrap_err().field, "oauthApp.issuerUrl");

        let common = OAuthAppFields {
            tenant_id: None,
            issuer_url: Some("https://login.microsoftonline.com/common/v2.0".to_owned()),
            ..fields()
        };
        assert_eq!(OAuthApp::parse(common, &authority()).unwrap_err().field, "oauthApp.issuerUrl");
    }

    #[test]
    fn bad_fields_are_reported_by_their_own_names() {
        let cases: Vec<(OAuthAppFields, &str)> = vec![
            (OAuthAppFields { client_id: "app".to_owned(), ..fields() }, "oauthApp.clientId"),
            (OAuthAppFields { client_secret: String::new(), ..fields() }, "oauthApp.clientSecret"),
            (OAuthAppFields { tenant_id: Some("common".to_owned()), ..fields() }, "oauthApp.tenantId"),
            (OAuthAppFields { issuer_url: Some("/relative/v2.0".to_owned()), ..fields() }, "oauthApp.issuerUrl"),
            (
                OAuthAppFields { authorization_url: Some("ftp://x/authorize".to_owned()), ..fields() },
                "oauthApp.authorizationUrl",
            ),
            (OAuthAppFields { token_url: Some("https://u:p@x/token".to_owned()), ..fields() }, "oauthApp.tokenUrl"),
            (OAuthAppFields { token_url: Some("not a url".to_owned()), ..fields() }, "oauthApp.tokenUrl"),
            (OAuthAppFields { scopes: Some(vec![]), ..fields() }, "oauthApp.scopes"),
            (OAuthAppFields { scopes: Some(vec!["openid profile".to_owned()]), ..fields() }, "oauthApp.scopes"),
            (OAuthAppFields { scopes: Some(vec![String::new()]), ..fields() }, "oauthApp.scopes"),
        ];
        for (input, field) in cases {
            let err = OAuthApp::parse(input, &authority()).unwrap_err();
            assert_eq!(err.field, field);
            assert!(err.hint.is_some(), "{field}");
        }
    }

    #[test]
    fn given_scopes_are_deduplicated_and_a_missing_offline_access_is_flagged() {
        let scopes =
            vec![format!("{ADO_RESOURCE_ID}/vso.code"), "openid".to_owned(), format!("{ADO_RESOURCE_ID}/vso.code")];
        let app = OAuthApp::parse(OAuthAppFields { scopes: Some(scopes), ..fields() }, &authority()).unwrap();
        assert_eq!(app.scopes(), [format!("{ADO_RESOURCE_ID}/vso.code"), "openid".to_owned()]);
        assert!(app.missing_offline_access());
        assert!(!app.missing_azure_devops_scope());

        let only_oidc =
            OAuthAppFields { scopes: Some(vec!["openid".to_owned(), "offline_access".to_owned()]), ..fields() };
        let app = OAuthApp::parse(only_oidc, &authority()).unwrap();
        assert!(!app.missing_offline_access());
        assert!(app.missing_azure_devops_scope());
    }
}
