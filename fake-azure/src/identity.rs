//! Identity references (IDREF) as Azure DevOps embeds them in projects, refs, PRs and comments.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use serde_json::{Value, json};

use crate::http::enc_query;
use crate::model::{User, guid_from};

/// `aad.<base64 of the id>`, the subject descriptor form.
pub fn descriptor(user: &User) -> String {
    format!("aad.{}", STANDARD_NO_PAD.encode(user.id.as_bytes()))
}

/// A full identity reference; `public_base` is `{base}/{org}`.
pub fn idref(user: &User, public_base: &str) -> Value {
    let d = descriptor(user);
    json!({
        "displayName": user.display_name,
        "url": format!("{public_base}/_apis/Identities/{}", user.id),
        "_links": {"avatar": {"href": format!("{public_base}/_apis/GraphProfile/MemberAvatars/{d}")}},
        "id": user.id,
        "uniqueName": user.unique_name,
        "imageUrl": format!("{public_base}/_api/_common/identityImage?id={}", enc_query(&user.id)),
        "descriptor": d,
    })
}

/// The collection's service account group, author of system PR threads.
pub fn service_account(org: &str, public_base: &str) -> Value {
    let id = guid_from(&format!("pcsa:{}", org.to_ascii_lowercase()));
    json!({
        "displayName": format!("[{org}]\\Project Collection Service Accounts"),
        "url": format!("{public_base}/_apis/Identities/{id}"),
        "id": id,
        "uniqueName": format!("vstfs:///Framework/IdentityDomain/{id}\\Project Collection Service Accounts"),
        "imageUrl": format!("{public_base}/_api/_common/identityImage?id={id}"),
        "isContainer": true,
    })
}

/// The `authenticatedUser` / `authorizedUser` shape of connectionData.
pub fn connection_identity(user: &User, tenant_id: &str) -> Value {
    json!({
        "id": user.id,
        "descriptor": format!("Microsoft.IdentityModel.Claims.ClaimsIdentity;{tenant_id}\\{}", user.unique_name),
        "subjectDescriptor": descriptor(user),
        "providerDisplayName": user.display_name,
        "isActive": true,
        "properties": {"Account": {"$type": "System.String", "$value": user.unique_name}},
        "resourceVersion": 2,
        "metaTypeId": 0,
    })
}
