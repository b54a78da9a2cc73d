//! Global IDs: opaque, typed, and checked, so one kind's ID never resolves as another's.
//!
//! An ID is URL-safe base64 (no padding) of `{Kind}:{raw id}`; the raw id is a UUID, or for a
//! repository `{integration uuid}:{Azure DevOps repository GUID}`.

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

/// A global ID that names nothing here: malformed, or of another kind than `what` was looked up
/// as. It has no `Display` on purpose: it becomes `ApiError::not_found(what)` (see `crate::error`),
/// to a caller just like another tenant's ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownId {
    /// What the ID was expected to name, e.g. `"integration"`.
    pub what: &'static str,
}

/// The global ID of the object of `kind` with `raw` id.
pub fn encode(kind: Kind, raw: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}:{raw}", kind.prefix()))
}

/// Splits a global ID into kind and raw id; `None` for anything that is not one of ours.
pub fn decode_any(id: &str) -> Option<(Kind, String)> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).ok()?;
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

/// The raw id of a global ID of `kind`; a malformed ID, or one of another kind, is [`UnknownId`].
pub fn decode(kind: Kind, id: &str, what: &'static str) -> Result<String, UnknownId> {
    match decode_any(id) {
        Some((k, raw)) if k == kind => Ok(raw),
        _ => Err(UnknownId { what }),
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
        assert_eq!(decode(Kind::AzureDevOpsIntegration, &id, "integration"), Err(UnknownId { what: "integration" }));
        assert!(decode_any("not-an-id").is_none());
    }

    #[test]
    fn a_repository_id_holds_two_uuids_and_padding_is_tolerated() {
        let raw = format!("{}:{}", uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let id = encode(Kind::Repository, &raw);
        assert_eq!(decode_any(&format!("{id}==")), Some((Kind::Repository, raw)));
        assert!(decode_any(&encode(Kind::Repository, &uuid::Uuid::now_v7().to_string())).is_none());
        assert!(decode_any(&encode(Kind::ApiToken, "not-a-uuid")).is_none());
    }
}
