//! Wire DTOs of the Azure DevOps and Entra ID answers this module reads, as the services send them.
//!
//! Every field the services may omit is an `Option` or defaulted: real answers vary by version
//! and flavor (see docs/azure-devops-wire.md).

pub mod git;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The error body Azure DevOps sends with 4xx/5xx answers (`WrappedException` in the .NET client).
/// Not in the REST reference; shape per docs/azure-devops-wire.md §2.4, see also
/// <https://learn.microsoft.com/en-us/dotnet/api/microsoft.visualstudio.services.webapi.wrappedexception>.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ErrorEnvelope {
    #[serde(rename = "$id")]
    pub id: Option<String>,
    pub inner_exception: Option<serde_json::Value>,
    pub message: Option<String>,
    pub type_name: Option<String>,
    pub type_key: Option<String>,
    pub error_code: Option<i64>,
    pub event_id: Option<i64>,
}

impl ErrorEnvelope {
    /// The envelope in `body`, if the body is one (it has at least a `message` or `typeKey`).
    /// A leading UTF-8 BOM is skipped, and the improper `{"count":1,"value":{"Message":...}}`
    /// shape gives its `value.Message` (docs/azure-devops-wire.md §2.4, from azure-devops-go-api
    /// `client.go` `UnwrapError` and `models.go` `WrappedImproperError`).
    pub fn parse(body: &[u8]) -> Option<ErrorEnvelope> {
        let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        let envelope: ErrorEnvelope = serde_json::from_slice(body).ok()?;
        if envelope.message.is_some() || envelope.type_key.is_some() {
            return Some(envelope);
        }
        let improper: ImproperError = serde_json::from_slice(body).ok()?;
        let message = improper.value?.message?;
        Some(ErrorEnvelope { message: Some(message), ..ErrorEnvelope::default() })
    }
}

/// `{"count":1,"value":{"Message":"..."}}` (capital `M`), which some routes answer instead of
/// the usual envelope.
#[derive(Deserialize)]
struct ImproperError {
    value: Option<ImproperValue>,
}

#[derive(Deserialize)]
struct ImproperValue {
    #[serde(rename = "Message")]
    message: Option<String>,
}

/// `{"count": N, "value": [...]}`, the wrapper of every list.
/// Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/core/projects/list?view=azure-devops-rest-7.1>
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ListEnvelope<T> {
    #[serde(default)]
    pub count: Option<i64>,
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
}

/// `GET {org}/_apis/connectionData`: who the credential is. Undocumented in the REST reference;
/// used by every Microsoft client (shape per docs/azure-devops-wire.md §3.1). See
/// <https://learn.microsoft.com/en-us/rest/api/azure/devops/?view=azure-devops-rest-7.1>.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionData {
    pub authenticated_user: Option<Identity>,
    pub authorized_user: Option<Identity>,
    pub instance_id: Option<String>,
    pub deployment_id: Option<String>,
    /// `hosted` on Services, `onPremises` on Server.
    pub deployment_type: Option<String>,
}

/// The identity id Azure DevOps reports for an anonymous caller.
pub const ANONYMOUS_IDENTITY_ID: &str = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";

/// An identity inside `connectionData`.
/// Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/ims/identities/read-identities?view=azure-devops-rest-7.1#identity>
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub id: Option<String>,
    pub descriptor: Option<String>,
    pub subject_descriptor: Option<String>,
    pub provider_display_name: Option<String>,
    pub is_active: Option<bool>,
    #[serde(default)]
    pub properties: HashMap<String, PropertyValue>,
}

impl Identity {
    /// The sign-in name: `properties.Account.$value` (e.g. `dana@contoso.com`).
    pub fn account(&self) -> Option<&str> {
        self.properties.get("Account").and_then(|p| p.value.as_ref()).and_then(|v| v.as_str())
    }

    /// Azure DevOps answers an unusable credential with the anonymous identity, not an error.
    pub fn is_anonymous(&self) -> bool {
        let anonymous_id = self.id.as_deref() == Some(ANONYMOUS_IDENTITY_ID);
        let anonymous_name = self.provider_display_name.as_deref() == Some("Anonymous");
        (anonymous_id && self.account().is_none()) || anonymous_name
    }
}

/// A typed property bag value: `{"$type": "System.String", "$value": "dana@contoso.com"}`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct PropertyValue {
    #[serde(rename = "$type")]
    pub type_name: Option<String>,
    #[serde(rename = "$value")]
    pub value: Option<serde_json::Value>,
}

/// One project of `GET {org}/_apis/projects`.
/// Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/core/projects/list?view=azure-devops-rest-7.1#teamprojectreference>
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TeamProjectReference {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub url: Option<String>,
    pub state: Option<String>,
    pub revision: Option<i64>,
    pub visibility: Option<String>,
    pub last_update_time: Option<String>,
}

/// Body and answer of `POST {org}/_apis/security/permissionevaluationbatch`.
/// Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/security/permissions/has-permissions-batch?view=azure-devops-rest-7.1>
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PermissionEvaluationBatch {
    #[serde(default)]
    pub always_allow_administrators: bool,
    #[serde(default)]
    pub evaluations: Vec<PermissionEvaluation>,
}

/// One permission question (`value` is filled in by the answer).
/// Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/security/permissions/has-permissions-batch?view=azure-devops-rest-7.1#permissionevaluation>
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PermissionEvaluation {
    pub security_namespace_id: String,
    pub token: String,
    pub permissions: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<bool>,
}

/// Security namespace "Git Repositories".
pub const GIT_REPOSITORIES_NAMESPACE: &str = "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87";
/// Git Repositories bit `GenericContribute` (push).
pub const GIT_GENERIC_CONTRIBUTE: i32 = 4;

/// One service hook subscription, as far as verification needs it.
/// Reference: <https://learn.microsoft.com/en-us/rest/api/azure/devops/hooks/subscriptions/list?view=azure-devops-rest-7.1#subscription>
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionRef {
    pub id: Option<String>,
    pub status: Option<String>,
    pub event_type: Option<String>,
}

/// Entra ID OpenID discovery document (`{authority}/{tenant}/v2.0/.well-known/openid-configuration`).
/// Reference: <https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc#fetch-the-openid-configuration-document>
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct OpenIdConfiguration {
    pub issuer: Option<String>,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
}

/// Entra ID error body (token endpoint and discovery).
/// Reference: <https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#error-response-1>
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct EntraError {
    pub error: Option<String>,
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_codes: Vec<i64>,
    pub trace_id: Option<String>,
    pub correlation_id: Option<String>,
}

impl EntraError {
    /// The numeric AADSTS code: `error_codes[0]`, else the description's first token.
    pub fn aadsts_code(&self) -> Option<i64> {
        self.error_codes.first().copied().or_else(|| self.error_description.as_deref().and_then(aadsts_code))
    }
}

/// `AADSTS7000215` from "AADSTS7000215: Invalid client secret provided. ...".
pub fn aadsts_code(description: &str) -> Option<i64> {
    let token = description.split([':', ' ']).next()?;
    token.strip_prefix("AADSTS")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_data_yields_the_account() {
        let body = r#"{"authenticatedUser": {"id": "5f1c2a9e-7b3d-6c44-9a21-0e8f4b6d2c11",
           "descriptor": "Microsoft.IdentityModel.Claims.ClaimsIdentity;t\\dana@contoso.com",
           "subjectDescriptor": "aad.NWYx", "providerDisplayName": "Dana Kim", "isActive": true,
           "properties": {"Account": {"$type": "System.String", "$value": "dana@contoso.com"}},
           "resourceVersion": 2, "metaTypeId": 0},
         "instanceId": "3c9e8f21-44a0-4d6b-9e2f-71b0c5d8a6e4", "deploymentType": "hosted",
         "locationServiceData": {"lastChangeId": 48120577}}"#;
        let data: ConnectionData = serde_json::from_str(body).unwrap();
        let user = data.authenticated_user.unwrap();
        assert_eq!(user.account(), Some("dana@contoso.com"));
        assert!(!user.is_anonymous());
    }

    #[test]
    fn the_anonymous_identity_is_recognised() {
        let body =
            r#"{"id": "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa", "providerDisplayName": "Anonymous", "properties": {}}"#;
        let user: Identity = serde_json::from_str(body).unwrap();
        assert!(user.is_anonymous());
    }

    #[test]
    fn the_error_envelope_parses_and_non_envelopes_do_not() {
        let body = br#"{"$id":"1","innerException":null,"message":"TF400813: x","typeName":"a, b","typeKey":"UnauthorizedRequestException","errorCode":0,"eventId":3000}"#;
        let envelope = ErrorEnvelope::parse(body).unwrap();
        assert_eq!(envelope.type_key.as_deref(), Some("UnauthorizedRequestException"));
        assert_eq!(envelope.event_id, Some(3000));
        assert_eq!(ErrorEnvelope::parse(b"<html></html>"), None);
        assert_eq!(ErrorEnvelope::parse(b"{\"count\":0,\"value\":[]}"), None);
    }

    #[test]
    fn an_improper_count_value_error_and_a_bom_prefixed_envelope_keep_their_message() {
        let improper = ErrorEnvelope::parse(br#"{"count":1,"value":{"Message":"The project does not exist."}}"#);
        assert_eq!(improper.and_then(|e| e.message).as_deref(), Some("The project does not exist."));
        let bom = ErrorEnvelope::parse(b"\xEF\xBB\xBF{\"message\":\"TF401019: gone\",\"typeKey\":\"X\"}");
        assert_eq!(bom.and_then(|e| e.message).as_deref(), Some("TF401019: gone"));
    }

    #[test]
    fn aadsts_codes_come_from_error_codes_or_the_description() {
        let with_codes: EntraError = serde_json::from_str(
            r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}"#,
        )
        .unwrap();
        assert_eq!(with_codes.aadsts_code(), Some(7000215));
        assert_eq!(aadsts_code("AADSTS90002: Tenant 'x' not found."), Some(90002));
        assert_eq!(aadsts_code("no code here"), None);
    }

    #[test]
    fn the_permission_batch_serialises_like_the_reference() {
        let batch = PermissionEvaluationBatch {
            always_allow_administrators: false,
            evaluations: vec![PermissionEvaluation {
                security_namespace_id: GIT_REPOSITORIES_NAMESPACE.into(),
                token: "repoV2".into(),
                permissions: GIT_GENERIC_CONTRIBUTE,
                value: None,
            }],
        };
        assert_eq!(
            serde_json::to_value(&batch).unwrap(),
            serde_json::json!({"alwaysAllowAdministrators": false, "evaluations": [
                {"securityNamespaceId": "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87", "token": "repoV2", "permissions": 4}]})
        );
    }
}
