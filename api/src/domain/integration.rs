//! An integration as the lifecycle takes it: a new one, or the changes to one, every field parsed.
//!
//! The GraphQL inputs parse straight into these; `integrations/` checks policy (upstream hosts,
//! credentials present, name free) and `store/` maps them to columns. The OAuth app stays as its
//! fields until the lifecycle has discovered the organization's tenant when none is given.

use super::app_identity::AppIdentity;
use super::oauth_app::OAuthAppFields;
use super::secret_version::SecretVersions;
use super::user_authorization_methods::UserAuthorizationMethods;
use super::{
    Description, IntegrationName, Labels, OrganizationUrl, PersonalAccessToken, ProjectNames, WebhookPassword,
};

/// Whether the integration's credentials last verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Never verified (created or updated with `verify: false`).
    Unverified,
    /// The last verification passed.
    Healthy,
    /// The last verification failed.
    Failing,
}

impl Status {
    /// `Unverified` without a verification, else by its outcome.
    pub fn of(verified: Option<bool>) -> Status {
        match verified {
            None => Status::Unverified,
            Some(true) => Status::Healthy,
            Some(false) => Status::Failing,
        }
    }
}

/// A new integration.
pub struct NewIntegration {
    pub name: IntegrationName,
    pub description: Option<Description>,
    pub labels: Labels,
    pub is_default: bool,
    pub org: OrganizationUrl,
    /// `None`: every project the credential sees.
    pub projects: Option<ProjectNames>,
    pub pat: Option<PersonalAccessToken>,
    /// As received: its tenant may first be discovered from the organization.
    pub oauth_app: Option<OAuthAppFields>,
    /// The integration's own Entra identity; its tenant may first be discovered.
    pub app_identity: Option<AppIdentity>,
    /// `None`: one is generated (and returned once).
    pub webhook_password: Option<WebhookPassword>,
    /// How users may connect; `None`: every way the integration can offer.
    pub user_authorization_methods: Option<UserAuthorizationMethods>,
    /// The versions sent with the secrets (each `None`: version 1).
    pub versions: SecretVersions,
}

/// A field of an update: left alone, cleared (explicit null), or set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Patch<T> {
    Keep,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    /// `None` when kept, `Some(None)` when cleared, `Some(Some(v))` when set.
    pub fn into_change(self) -> Option<Option<T>> {
        match self {
            Patch::Keep => None,
            Patch::Clear => Some(None),
            Patch::Set(v) => Some(Some(v)),
        }
    }

    pub fn is_kept(&self) -> bool {
        matches!(self, Patch::Keep)
    }
}

/// Changes to an integration; flavor and organization URL never change.
pub struct IntegrationChanges {
    pub name: Option<IntegrationName>,
    pub description: Patch<Description>,
    pub labels: Option<Labels>,
    pub is_default: Option<bool>,
    pub projects: Patch<ProjectNames>,
    pub pat: Patch<PersonalAccessToken>,
    /// As received: its tenant may first be discovered from the organization.
    pub oauth_app: Patch<OAuthAppFields>,
    pub app_identity: Patch<AppIdentity>,
    pub webhook_password: Option<WebhookPassword>,
    /// Cleared: back to every way the integration can offer.
    pub user_authorization_methods: Patch<UserAuthorizationMethods>,
    /// The versions sent with the secrets set (each `None`: the next version).
    pub versions: SecretVersions,
}

impl IntegrationChanges {
    /// No change at all (a base for the fields an update sets).
    pub fn none() -> IntegrationChanges {
        IntegrationChanges {
            name: None,
            description: Patch::Keep,
            labels: None,
            is_default: None,
            projects: Patch::Keep,
            pat: Patch::Keep,
            oauth_app: Patch::Keep,
            app_identity: Patch::Keep,
            webhook_password: None,
            user_authorization_methods: Patch::Keep,
            versions: SecretVersions::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_says_kept_cleared_or_set() {
        assert_eq!(Patch::<u8>::Keep.into_change(), None);
        assert_eq!(Patch::<u8>::Clear.into_change(), Some(None));
        assert_eq!(Patch::Set(3).into_change(), Some(Some(3)));
        assert!(Patch::<u8>::Keep.is_kept());
    }
}
