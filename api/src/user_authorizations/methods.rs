//! The ways the admin lets users connect to an integration (`userAuthorizationMethods`), enforced
//! where a user connects.

use entity::integration;

use crate::domain::user_authorization_methods::UserAuthorizationMethod;
use crate::error::ApiError;
use crate::store::integrations as rows;

/// `FORBIDDEN`, with a hint naming the ways that remain, when the integration does not let users
/// connect with `method`.
pub fn require(m: &integration::Model, method: UserAuthorizationMethod) -> Result<(), ApiError> {
    let allowed = rows::user_authorization_methods(m);
    if allowed.allows(method) {
        return Ok(());
    }
    let (what, other) = match method {
        UserAuthorizationMethod::OAuth => ("signing in through its OAuth app", "setPersonalAccessToken"),
        UserAuthorizationMethod::PersonalAccessToken => ("a personal access token", "startAzureDevOpsAuthorization"),
    };
    let hint = if allowed.list().is_empty() {
        "an administrator adds a method to the integration's userAuthorizationMethods".to_owned()
    } else {
        format!(
            "connect with {other} instead, or ask an administrator to add {} to the integration's \
             userAuthorizationMethods",
            method.as_str()
        )
    };
    Err(ApiError::Forbidden {
        message: format!("integration {} does not let users connect with {what}", m.name),
        hint: Some(hint),
    })
}
