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

    /// Where a caller finds an ID of this kind, for the hint of a string that is not one.
    pub fn source(self) -> &'static str {
        match self {
            Kind::AzureDevOpsIntegration => "integration.id",
            Kind::ApiToken => "apiToken.id",
            Kind::Repository => "repository.id",
            Kind::WebhookDelivery => "delivery.id",
            Kind::ServiceHookSubscription => "serviceHook.id",
            Kind::Automation => "automation.id",
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

/// Why a string is not the global ID of a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadId {
    /// Not one of our global IDs at all: a raw UUID, a placeholder such as `<id>`, a typo. The
    /// caller's mistake, named (`VALIDATION` on `field`), not an object that is missing.
    NotAGlobalId { kind: Kind, field: &'static str },
    /// Shaped as a global ID, but of another kind or naming no possible row.
    Unknown(UnknownId),
}

/// The global ID of the object of `kind` with `raw` id.
pub fn encode(kind: Kind, raw: &str) -> String {
    base64_joined(kind.prefix(), raw)
}

/// URL-safe base64 (no padding) of `{prefix}:{raw}`, in one allocation: the joined text is built
/// on the stack (ids are short), then encoded straight into the string returned. A list page
/// makes one per edge and node, so the copy it saves counts.
pub fn base64_joined(prefix: &str, raw: &str) -> String {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let len = prefix.len() + 1 + raw.len();
    let mut out = String::with_capacity(len.div_ceil(3) * 4);
    let mut joined = [0u8; 128];
    if len <= joined.len() {
        joined[..prefix.len()].copy_from_slice(prefix.as_bytes());
        joined[prefix.len()] = b':';
        joined[prefix.len() + 1..len].copy_from_slice(raw.as_bytes());
        engine.encode_string(&joined[..len], &mut out);
    } else {
        engine.encode_string(format!("{prefix}:{raw}"), &mut out);
    }
    out
}

/// Kind and raw id of anything shaped as one of our IDs (base64 of `{Kind}:…`), raw id unchecked.
fn split(id: &str) -> Option<(Kind, String)> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(id.trim_end_matches('=')).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (prefix, raw) = text.split_once(':')?;
    Some((Kind::from_prefix(prefix)?, raw.to_owned()))
}

/// Whether `id` is shaped as one of our global IDs, naming something or not.
pub fn is_global_id(id: &str) -> bool {
    split(id).is_some()
}

/// Splits a global ID into kind and raw id; `None` for anything that is not one of ours.
pub fn decode_any(id: &str) -> Option<(Kind, String)> {
    let (kind, raw) = split(id)?;
    match kind {
        Kind::Repository => {
            let (integration, repo) = raw.split_once(':')?;
            uuid::Uuid::parse_str(integration).ok()?;
            uuid::Uuid::parse_str(repo).ok()?;
        }
        _ => {
            uuid::Uuid::parse_str(&raw).ok()?;
        }
    }
    Some((kind, raw))
}

/// The raw id of a global ID of `kind` given in the input `field`: one that is not a global ID at
/// all is [`BadId::NotAGlobalId`], one of another kind or an impossible raw id [`BadId::Unknown`].
pub fn decode(kind: Kind, id: &str, what: &'static str, field: &'static str) -> Result<String, BadId> {
    match decode_any(id) {
        Some((k, raw)) if k == kind => Ok(raw),
        _ if is_global_id(id) => Err(BadId::Unknown(UnknownId { what })),
        _ => Err(BadId::NotAGlobalId { kind, field }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_joined_encoding_is_base64_of_the_joined_text_at_any_length() {
        use base64::Engine as _;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        for raw in ["", "x", &"y".repeat(36), &"z".repeat(200)] {
            assert_eq!(base64_joined("Kind", raw), engine.encode(format!("Kind:{raw}")));
        }
    }

    #[test]
    fn an_id_round_trips_and_keeps_its_kind() {
        let raw = uuid::Uuid::now_v7().to_string();
        let id = encode(Kind::ApiToken, &raw);
        assert_eq!(decode(Kind::ApiToken, &id, "token", "id").ok(), Some(raw.clone()));
        assert_eq!(
            decode(Kind::AzureDevOpsIntegration, &id, "integration", "id"),
            Err(BadId::Unknown(UnknownId { what: "integration" }))
        );
        assert!(decode_any("not-an-id").is_none());
        let impossible = encode(Kind::AzureDevOpsIntegration, "x");
        assert_eq!(
            decode(Kind::AzureDevOpsIntegration, &impossible, "integration", "id"),
            Err(BadId::Unknown(UnknownId { what: "integration" }))
        );
        for not_one in [raw.as_str(), "<id>", ""] {
            assert_eq!(
                decode(Kind::AzureDevOpsIntegration, not_one, "integration", "integrationId"),
                Err(BadId::NotAGlobalId { kind: Kind::AzureDevOpsIntegration, field: "integrationId" })
            );
        }
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
