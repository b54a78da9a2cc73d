//! A managed identity endpoint in the shape of the VM's IMDS (docs/azure-devops-wire.md §6.5):
//! `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=...&client_id=...` with
//! `Metadata: true`. Numbers come back as strings, as IMDS sends them. Only identities a test
//! assigned to the "host" get tokens.

use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use serde_json::json;

use crate::entra_issue::{Grant, issue};
use crate::http::{Req, json};
use crate::model::User;
use crate::{ADO_RESOURCE_ID, DEFAULT_TENANT, FakeAzure, Shared};

/// Whether `req` is for the managed identity endpoint.
pub fn is_imds_path(req: &Req) -> bool {
    req.segs.first().is_some_and(|s| s.eq_ignore_ascii_case("metadata"))
}

fn error(status: StatusCode, error: &str, description: &str) -> Response {
    json(status, &json!({ "error": error, "error_description": description }))
}

pub fn handle(shared: &Shared, req: &Req) -> Response {
    let path: Vec<String> = req.segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    if path != ["metadata", "identity", "oauth2", "token"] {
        return error(StatusCode::NOT_FOUND, "not_found", "Not found");
    }
    if req.header("metadata") != Some("true") {
        return error(StatusCode::BAD_REQUEST, "bad_request_102", "Required metadata header not specified");
    }
    if req.q("api-version").is_none() {
        return error(StatusCode::BAD_REQUEST, "invalid_request", "Required query variable 'api-version' is missing");
    }
    let resource = req.q("resource").unwrap_or_default();
    if resource != ADO_RESOURCE_ID && resource != "https://app.vssps.visualstudio.com" {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_resource",
            "AADSTS500011: The resource principal was not found",
        );
    }
    let client_id = req.q("client_id").unwrap_or_default().to_ascii_lowercase();
    let mut world = shared.lock();
    if !world.managed_identities.contains(&client_id) {
        return error(StatusCode::BAD_REQUEST, "invalid_request", "Identity not found");
    }
    let user = User {
        id: crate::service_principal_id(&client_id),
        display_name: format!("Managed identity {client_id}"),
        unique_name: client_id.clone(),
    };
    let scope = format!("{ADO_RESOURCE_ID}/.default");
    let grant = Grant { user, scope, refresh: false, nonce: None, code_redemption: false, app_only: true };
    let body = issue(&mut world, &shared.base, DEFAULT_TENANT, &client_id, grant);
    let now = Utc::now().timestamp();
    let expires_in = body["expires_in"].as_i64().unwrap_or(3599);
    json(
        StatusCode::OK,
        &json!({
            "access_token": body["access_token"], "refresh_token": "", "expires_in": expires_in.to_string(),
            "expires_on": (now + expires_in).to_string(), "not_before": now.to_string(),
            "resource": resource, "token_type": "Bearer",
        }),
    )
}

impl FakeAzure {
    /// Assigns the user-assigned managed identity `client_id` (of `DEFAULT_TENANT`) to the host, so
    /// the IMDS endpoint (`{base_url}/metadata/identity/oauth2/token`) issues it tokens.
    pub fn assign_managed_identity(&self, client_id: &str) {
        self.shared().lock().managed_identities.insert(client_id.to_ascii_lowercase());
    }

    /// The managed identity endpoint in IMDS form.
    pub fn managed_identity_endpoint(&self) -> String {
        format!("{}/metadata/identity/oauth2/token", self.base_url())
    }
}
