//! Raw create/update input (as GraphQL hands it over) parsed into domain types, once.

use secrecy::SecretString;
use url::Url;

use crate::azure::guard;
use crate::domain::error::InvalidInput;
use crate::domain::flavor::Flavor;
use crate::domain::oauth_app::{OAuthApp, OAuthAppFields};
use crate::domain::{
    Description, IntegrationName, Labels, OrganizationUrl, PersonalAccessToken, ProjectNames, WebhookPassword,
};

/// `CreateAzureDevOpsIntegrationInput`, unparsed.
pub struct CreateInput {
    pub name: String,
    pub description: Option<String>,
    pub labels: Option<Vec<String>>,
    pub is_default: Option<bool>,
    pub organization_url: String,
    pub flavor: Option<Flavor>,
    pub accessible_projects: Option<Vec<String>>,
    pub personal_access_token: Option<SecretString>,
    pub oauth_app: Option<OAuthAppFields>,
    pub webhook_password: Option<SecretString>,
    pub verify: bool,
    pub validate_only: bool,
    pub idempotency_key: Option<String>,
}

/// A create input whose every field is valid.
pub struct ParsedCreate {
    pub name: IntegrationName,
    pub description: Option<Description>,
    pub labels: Labels,
    pub is_default: bool,
    pub org: OrganizationUrl,
    pub projects: Option<ProjectNames>,
    pub pat: Option<PersonalAccessToken>,
    pub oauth: Option<OAuthApp>,
    pub webhook_password: Option<WebhookPassword>,
}

pub fn parse_create(input: &CreateInput, authority: &Url, allow_private: bool) -> Result<ParsedCreate, InvalidInput> {
    let org = OrganizationUrl::parse(&input.organization_url, input.flavor)?;
    check_upstream(&org, allow_private)?;
    let pat = input.personal_access_token.as_ref().map(PersonalAccessToken::parse).transpose()?;
    let oauth = input.oauth_app.clone().map(|f| OAuthApp::parse(f, authority)).transpose()?;
    check_credentials(&org, pat.is_some(), oauth.is_some())?;
    if let Some(app) = &oauth {
        check_oauth_urls(app, allow_private)?;
    }
    Ok(ParsedCreate {
        name: IntegrationName::parse(&input.name)?,
        description: input.description.as_deref().map(Description::parse).transpose()?.flatten(),
        labels: Labels::parse(input.labels.as_deref().unwrap_or_default())?,
        is_default: input.is_default.unwrap_or(false),
        org,
        projects: input.accessible_projects.as_deref().map(ProjectNames::parse).transpose()?,
        pat,
        oauth,
        webhook_password: input.webhook_password.as_ref().map(WebhookPassword::parse).transpose()?,
    })
}

/// The organization URL must be one the server may call (SSRF guard, before any request).
pub fn check_upstream(org: &OrganizationUrl, allow_private: bool) -> Result<(), InvalidInput> {
    guard::check_url(org.url(), allow_private).map_err(|e| {
        InvalidInput::new("organizationUrl", format!("this address may not be called: {e}")).with_hint(
            "use the public https:// URL of the organization; for a lab or test server on a private network, \
             start vcslink with VCSLINK_ALLOW_PRIVATE_UPSTREAMS=true",
        )
    })
}

fn check_oauth_urls(app: &OAuthApp, allow_private: bool) -> Result<(), InvalidInput> {
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

/// At least one credential; OAuth only on Azure DevOps Services.
pub fn check_credentials(org: &OrganizationUrl, has_pat: bool, has_oauth: bool) -> Result<(), InvalidInput> {
    if !has_pat && !has_oauth {
        return Err(InvalidInput::new(
            "personalAccessToken",
            "an integration needs a personal access token, an OAuth app, or both",
        )
        .with_hint(format!("create a token at {} and pass it as personalAccessToken", org.pat_page_url())));
    }
    if has_oauth && org.flavor() == Flavor::Server {
        return Err(InvalidInput::new("oauthApp", "Microsoft Entra ID OAuth exists for Azure DevOps Services only")
            .with_hint("use a personal access token for Azure DevOps Server"));
    }
    Ok(())
}
