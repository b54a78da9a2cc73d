//! Microsoft Entra ID identifiers of an OAuth app: the application (client) ID and the tenant.

use std::fmt;

use super::error::InvalidInput;

/// The application (client) ID: a GUID, stored lower-case and hyphenated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientId(String);

impl ClientId {
    /// Parses the `oauthApp.clientId` input field (any GUID spelling: braces, upper case, no hyphens).
    pub fn parse(input: &str) -> Result<ClientId, InvalidInput> {
        parse_guid(input.trim()).map(ClientId).ok_or_else(|| {
            InvalidInput::new("oauthApp.clientId", "is not a GUID")
                .with_hint("use the Application (client) ID from the app registration's Overview page")
        })
    }

    /// The GUID, lower-case and hyphenated.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The Entra ID tenant: a GUID (lower-case, hyphenated) or a verified domain such as
/// `contoso.onmicrosoft.com` (lower-case). Multi-tenant aliases are refused: Azure DevOps needs
/// tokens from the organization's own tenant (with `/common` or `/organizations` Entra issues a
/// guest user's token in their home tenant, which the organization refuses with TF400813), and an
/// app that proves itself with client credentials needs one definite tenant. The all-zero GUID
/// is refused too (Entra: AADSTS900021 "Tenant identifiers may not be an empty GUID").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantId(String);

impl TenantId {
    /// Parses the `oauthApp.tenantId` input field.
    pub fn parse(input: &str) -> Result<TenantId, InvalidInput> {
        TenantId::parse_field("oauthApp.tenantId", input)
    }

    /// Parses a tenant found in another field (the tenant segment of `oauthApp.issuerUrl`).
    pub fn parse_field(field: &str, input: &str) -> Result<TenantId, InvalidInput> {
        let hint = "use the Directory (tenant) ID GUID from the app registration's Overview page";
        let tenant = input.trim();
        if let Some(guid) = parse_guid(tenant) {
            if guid == ZERO_GUID {
                return Err(InvalidInput::new(field, "is the all-zero GUID, which names no tenant").with_hint(
                    "an organization backed by Microsoft accounts has no Entra tenant and works with personal \
                     access tokens only (ORGANIZATION_PAT_ONLY); otherwise use the Directory (tenant) ID GUID \
                     from the app registration's Overview page",
                ));
            }
            return Ok(TenantId(guid));
        }
        let lower = tenant.to_ascii_lowercase();
        if matches!(lower.as_str(), "common" | "organizations" | "consumers") {
            return Err(InvalidInput::new(field, format!("\"{lower}\" is not one tenant")).with_hint(
                "Azure DevOps needs the organization's own tenant: with common or organizations, Microsoft Entra \
                 ID issues a guest user's token in their home tenant, which the organization refuses (TF400813). \
                 Use the organization's Directory (tenant) ID GUID, or omit tenantId to use the tenant the \
                 organization names",
            ));
        }
        if is_domain(&lower) {
            return Ok(TenantId(lower));
        }
        Err(InvalidInput::new(field, "is neither a tenant GUID nor a domain").with_hint(hint))
    }

    /// The tenant as used in Entra ID URLs.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for a GUID, false for a domain.
    pub fn is_guid(&self) -> bool {
        parse_guid(&self.0).is_some()
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const ZERO_GUID: &str = "00000000-0000-0000-0000-000000000000";

fn parse_guid(input: &str) -> Option<String> {
    // `uuid` also accepts the `urn:uuid:` form; a client ID never comes that way, so refuse it.
    if input.len() > 38 {
        return None;
    }
    uuid::Uuid::try_parse(input).ok().map(|id| id.hyphenated().to_string())
}

/// A DNS name with at least two labels of letters, digits and inner hyphens.
fn is_domain(name: &str) -> bool {
    name.len() <= 253
        && name.contains('.')
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUID: &str = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

    #[test]
    fn client_ids_accept_any_guid_spelling_and_store_one() {
        for input in [
            GUID,
            " 3F2504E0-4F89-11D3-9A0C-0305E82C3301 ",
            "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}",
            "3f2504e04f8911d39a0c0305e82c3301",
        ] {
            assert_eq!(ClientId::parse(input).unwrap().as_str(), GUID, "{input}");
        }
    }

    #[test]
    fn client_ids_that_are_not_guids_point_at_the_overview_page() {
        for bad in ["", "my-app", "3f2504e0-4f89-11d3-9a0c", "urn:uuid:3f2504e0-4f89-11d3-9a0c-0305e82c3301"] {
            let err = ClientId::parse(bad).unwrap_err();
            assert_eq!(err.field, "oauthApp.clientId");
            assert!(err.hint.unwrap().contains("Application (client) ID"));
        }
    }

    #[test]
    fn tenants_are_guids_or_domains() {
        assert_eq!(TenantId::parse(&GUID.to_uppercase()).unwrap().as_str(), GUID);
        assert!(TenantId::parse(GUID).unwrap().is_guid());
        let domain = TenantId::parse("Contoso.onmicrosoft.com").unwrap();
        assert_eq!(domain.as_str(), "contoso.onmicrosoft.com");
        assert!(!domain.is_guid());
    }

    #[test]
    fn multi_tenant_aliases_are_refused_because_guests_would_get_tokens_from_their_home_tenant() {
        for alias in ["common", "Organizations", "consumers"] {
            let err = TenantId::parse(alias).unwrap_err();
            assert_eq!(err.field, "oauthApp.tenantId");
            let hint = err.hint.unwrap();
            assert!(hint.contains("organization's own tenant") && hint.contains("TF400813"), "{hint}");
            assert!(hint.contains("omit tenantId"), "{hint}");
        }
    }

    #[test]
    fn the_all_zero_tenant_is_refused_as_a_microsoft_account_organization() {
        let err = TenantId::parse("00000000-0000-0000-0000-000000000000").unwrap_err();
        assert!(err.hint.unwrap().contains("ORGANIZATION_PAT_ONLY"));
    }

    #[test]
    fn junk_tenants_are_refused_with_the_guid_hint() {
        for bad in ["", "contoso", "-bad.com", "a..b", "x/y.com"] {
            let err = TenantId::parse(bad).unwrap_err();
            assert_eq!(err.field, "oauthApp.tenantId", "{bad}");
            assert!(err.hint.unwrap().contains("tenant) ID GUID"), "{bad}");
        }
        assert_eq!(TenantId::parse_field("oauthApp.issuerUrl", "common").unwrap_err().field, "oauthApp.issuerUrl");
    }
}
