//! Global IDs: opaque, typed, and checked, so one kind's ID never resolves as another's.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::ApiError;

/// The kinds of object with a global ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    AzureDevOpsIntegration,
    ApiToken,
    /// Raw id `{integration uuid}:{Azure DevOps repository GUID}`.
    Repository,
    WebhookDelivery,
    ServiceHookSubscription,
    Automation,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::AzureDevOpsIntegration => "AzureDevOpsIntegration",
            Kind::ApiToken => "ApiToken",
            Kind::Repository => "Repository",
            Kind::WebhookDelivery => "WebhookDelivery",
            Kind::ServiceHookSubscription => "ServiceHookSubscription",
            Kind::Automation => "Automation",
        }
    }

    fn from_prefix(s: &str) -> Option<Kind> {
        match s {
            "AzureDevOpsIntegration" => Some(Kind::AzureDevOpsIntegration),
            "ApiToken" => Some(Kind::ApiToken),
            "Repository" => Some(Kind::Repository),
            "WebhookDelivery" => Some(Kind::WebhookDelivery),
            "ServiceHookSubscription" => Some(Kind::ServiceHookSubscription),
            "Automation" => Some(Kind::Automation),
            _ => None,
        }
    }
}

pub fn encode(kind: Kind, raw: &str) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{raw}", kind.prefix())))
}

/// Splits a global ID into kind and raw id; `None` for anything that is not one of ours.
pub fn decode_any(id: &str) -> Option<(Kind, String)> {
    let bytes = URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (prefix, raw) = text.split_once(':')?;
    let kind = Kind::from_prefix(prefix)?;
    match kind {
        Kind::Repository => {
            let (integration, repo) = raw.split_once(':')?;
            uuid::Uuid::parse_str(integration).ok()?;
            uuid::Uuid::parse_str(repo).ok()?;
        }
        _ => {
            uuid::Uuid::parse_str(raw).ok()?;
        }
    }
    Some((kind, raw.to_owned()))
}

/// The raw id of a global ID of `kind`. A malformed ID, or one of another kind, is `NOT_FOUND`:
/// to a caller it names nothing, just like another tenant's ID.
pub fn decode(kind: Kind, id: &ID, what: &'static str) -> Result<String, ApiError> {
    match decode_any(id.as_str()) {
        Some((k, raw)) if k == kind => Ok(raw),
        _ => Err(ApiError::not_found(what)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_round_trips_and_keeps_its_kind() {
        let raw = uuid::Uuid::now_v7().to_string();
        let id = encode(Kind::ApiToken, &raw);
        assert_eq!(decode(Kind::ApiToken, &id, "token").ok(), Some(raw));
        assert!(decode(Kind::AzureDevOpsIntegration, &id, "integration").is_err());
        assert!(decode_any("not-an-id").is_none());
    }
}
