//! A Kubernetes cluster's OIDC issuer, as AKS publishes it for workload identity
//! (docs/azure-devops-wire.md §6.4, §6.5): discovery at `/cluster/.well-known/openid-configuration`,
//! keys at `/cluster/openid/v1/jwks`, and the projected service account tokens the kubelet writes
//! into the pod (`AZURE_FEDERATED_TOKEN_FILE`): RS256, `iss` the issuer URL, `sub`
//! `system:serviceaccount:{namespace}:{serviceAccount}`, `aud` `api://AzureADTokenExchange`.
//! Entra checks them against this issuer like any other federated assertion
//! (`entra_federation.rs`). The key in `keys/` is a test key made for this fake.

use std::path::Path;
use std::sync::OnceLock;

use axum::http::StatusCode;
use axum::response::Response;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::FakeAzure;
use crate::http::{Req, json};

const KEY_PEM: &str = include_str!("../keys/cluster-oidc-key.pem");
const MODULUS: &str = include_str!("../keys/cluster-oidc-modulus.b64url");
const KEY_ID: &str = "cluster-sa-key-1";

/// Whether `req` is for the cluster's issuer.
pub fn is_cluster_path(req: &Req) -> bool {
    req.segs.first().is_some_and(|s| s == "cluster")
}

pub fn handle(base: &str, req: &Req) -> Response {
    let issuer = issuer(base);
    let rest: Vec<&str> = req.segs.iter().skip(1).map(String::as_str).collect();
    match rest.as_slice() {
        [".well-known", "openid-configuration"] => json(
            StatusCode::OK,
            &json!({
                "issuer": issuer,
                "jwks_uri": format!("{issuer}/openid/v1/jwks"),
                "response_types_supported": ["id_token"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }),
        ),
        ["openid", "v1", "jwks"] => json(
            StatusCode::OK,
            &json!({"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KEY_ID, "n": MODULUS.trim(), "e": "AQAB"}]}),
        ),
        _ => json(StatusCode::NOT_FOUND, &json!({"kind": "Status", "status": "Failure", "code": 404})),
    }
}

fn issuer(base: &str) -> String {
    format!("{base}/cluster")
}

fn sign(claims: &Value) -> String {
    static KEY: OnceLock<EncodingKey> = OnceLock::new();
    let key = KEY.get_or_init(|| {
        EncodingKey::from_rsa_pem(KEY_PEM.as_bytes()).expect("fake-azure: the cluster's test key parses")
    });
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KEY_ID.to_owned());
    jsonwebtoken::encode(&header, claims, key).expect("fake-azure: RS256 signing")
}

impl FakeAzure {
    /// The cluster's OIDC issuer URL (what `az aks show --query oidcIssuerProfile.issuerUrl` gives).
    pub fn cluster_issuer(&self) -> String {
        issuer(&self.base_url())
    }

    /// The subject of a Kubernetes service account, as the cluster's tokens carry it.
    pub fn service_account_subject(namespace: &str, service_account: &str) -> String {
        format!("system:serviceaccount:{namespace}:{service_account}")
    }

    /// Writes a fresh service account token for `namespace`/`service_account` into `path`, as the
    /// kubelet projects it into the pod (valid one hour).
    pub fn project_service_account_token(&self, path: &Path, namespace: &str, service_account: &str) {
        let now = chrono::Utc::now().timestamp();
        let token = sign(&json!({
            "iss": self.cluster_issuer(),
            "sub": Self::service_account_subject(namespace, service_account),
            "aud": ["api://AzureADTokenExchange"],
            "iat": now, "nbf": now, "exp": now + 3600,
            "kubernetes.io": {"namespace": namespace, "serviceaccount": {"name": service_account}},
        }));
        std::fs::write(path, token).expect("fake-azure: the token file is writable");
    }
}
