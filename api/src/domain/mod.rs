//! Parsed inputs: newtypes that can only hold valid values, built once at the GraphQL boundary.
//!
//! Pure: no database, no transport. Every parser returns [`InvalidInput`] naming the GraphQL input
//! field and, where a person can act, a hint.

pub mod api_token;
pub mod app_identity;
pub mod automation;
pub mod certificate;
pub mod entra_account;
pub mod entra_ids;
pub mod error;
pub mod flavor;
pub mod global_id;
pub mod html;
pub mod integration;
pub mod integration_name;
pub mod labels;
pub mod oauth_app;
pub mod organization_url;
pub mod pat_scopes;
pub mod project_names;
pub mod secret_version;
pub mod secrets;
pub mod service_hook;
pub mod user_authorization_methods;

pub use entra_ids::{ClientId, TenantId};
pub use error::InvalidInput;
pub use flavor::Flavor;
pub use integration_name::{Description, IntegrationName};
pub use labels::{Labels, MAX_LABEL_LEN, MAX_LABELS};
pub use oauth_app::{ADO_RESOURCE_ID, DEFAULT_SCOPES, OAuthApp, OAuthAppFields};
pub use organization_url::OrganizationUrl;
pub use pat_scopes::{REQUIRED_PAT_SCOPES, pat_creation_url};
pub use project_names::{MAX_PROJECTS, ProjectNames};
pub use secrets::{ClientSecret, GENERATED_WEBHOOK_PASSWORD_LEN, PersonalAccessToken, SecretInput, WebhookPassword};

#[cfg(test)]
mod organization_url_props;
