//! The one error every domain parser returns: which input field is wrong, why, and what to do.

/// An input that does not parse. `field` names the GraphQL input field (camelCase, dotted for nested
/// inputs such as `oauthApp.clientId`); `hint` says what a person should send instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidInput {
    pub field: String,
    pub message: String,
    pub hint: Option<String>,
}

impl InvalidInput {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        InvalidInput { field: field.to_owned(), message: message.into(), hint: None }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}
