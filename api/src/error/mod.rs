//! The one error type of the GraphQL boundary: a variant per code of DESIGN.md.
//!
//! Deliberately no `Display`: async-graphql's blanket `From<T: Display>` would otherwise
//! swallow the code. The conversion into `async_graphql::Error` is written by hand.

pub mod azure;
pub mod database;

use async_graphql::ErrorExtensions;

use crate::domain::error::InvalidInput;
use crate::domain::global_id::{BadId, UnknownId};

pub use azure::{Call, from_azure, missing_scope};
pub use database::{is_unique_violation, unique_violation};

/// The machine-readable codes clients branch on (`extensions.code`).
pub mod code {
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const VALIDATION: &str = "VALIDATION";
    pub const CONFLICT: &str = "CONFLICT";
    pub const NOT_AUTHORIZED_UPSTREAM: &str = "NOT_AUTHORIZED_UPSTREAM";
    pub const UPSTREAM_UNAVAILABLE: &str = "UPSTREAM_UNAVAILABLE";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const INTERNAL: &str = "INTERNAL";
    pub const BAD_REQUEST: &str = "BAD_REQUEST";
    pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
}

/// The hint of every `UPSTREAM_UNAVAILABLE`: the same condition verification reports as
/// `UPSTREAM_UNREACHABLE` (unreachable host) or `ORGANIZATION_REACHABLE` failing (Azure DevOps failing).
pub const UPSTREAM_UNAVAILABLE_HINT: &str = "retry in a moment; if it persists, run verifyAzureDevOpsIntegration: \
     its checks tell an unreachable host (UPSTREAM_UNREACHABLE: firewall, proxy, DNS or TLS between this server and \
     Azure DevOps) from Azure DevOps failing";

#[derive(Debug)]
pub enum ApiError {
    Unauthenticated,
    NotFound {
        what: &'static str,
    },
    Forbidden {
        message: String,
        hint: Option<String>,
    },
    Validation(InvalidInput),
    Conflict {
        message: String,
        hint: Option<String>,
    },
    NotAuthorizedUpstream {
        message: String,
        hint: Option<String>,
    },
    /// `NOT_AUTHORIZED_UPSTREAM` for a call that needs the caller's own Azure DevOps
    /// authorization, with how to get one (`startMutation`, `personalAccessTokenUrl`) in extensions.
    ConnectAzureDevOps {
        message: String,
        hint: String,
        links: Vec<(&'static str, String)>,
    },
    UpstreamUnavailable {
        message: String,
    },
    RateLimited {
        retry_after_seconds: u64,
    },
    /// `RATE_LIMITED` before any call: the query could make more Azure DevOps calls than one
    /// request may (`graphql/upstream_budget.rs`). Waiting does not help; a smaller query does.
    OverUpstreamBudget {
        calls: u64,
        budget: u64,
    },
    /// The cause is logged, never sent.
    Internal(String),
    /// The HTTP request is not a GraphQL request this endpoint runs (not JSON, not the request
    /// shape, a wrong content type or method, no or an unknown operation, a subscription over POST).
    BadRequest {
        message: String,
        hint: Option<String>,
        field: Option<&'static str>,
    },
    /// The body is over the limit of every route but the webhook one.
    PayloadTooLarge {
        limit_bytes: usize,
    },
}

impl ApiError {
    pub fn not_found(what: &'static str) -> ApiError {
        ApiError::NotFound { what }
    }

    pub fn admin_only() -> ApiError {
        ApiError::Forbidden { message: "this operation needs an ADMIN token".to_owned(), hint: None }
    }

    pub fn validation(field: &str, message: impl Into<String>, hint: Option<&str>) -> ApiError {
        let mut e = InvalidInput::new(field, message);
        e.hint = hint.map(str::to_owned);
        ApiError::Validation(e)
    }

    pub fn bad_request(message: impl Into<String>, hint: &str) -> ApiError {
        ApiError::BadRequest { message: message.into(), hint: Some(hint.to_owned()), field: None }
    }

    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(cause.to_string())
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => code::UNAUTHENTICATED,
            ApiError::NotFound { .. } => code::NOT_FOUND,
            ApiError::Forbidden { .. } => code::FORBIDDEN,
            ApiError::Validation(_) => code::VALIDATION,
            ApiError::Conflict { .. } => code::CONFLICT,
            ApiError::NotAuthorizedUpstream { .. } | ApiError::ConnectAzureDevOps { .. } => {
                code::NOT_AUTHORIZED_UPSTREAM
            }
            ApiError::UpstreamUnavailable { .. } => code::UPSTREAM_UNAVAILABLE,
            ApiError::RateLimited { .. } | ApiError::OverUpstreamBudget { .. } => code::RATE_LIMITED,
            ApiError::Internal(_) => code::INTERNAL,
            ApiError::BadRequest { .. } => code::BAD_REQUEST,
            ApiError::PayloadTooLarge { .. } => code::PAYLOAD_TOO_LARGE,
        }
    }
}

impl From<crate::domain::secret_version::Refusal> for ApiError {
    fn from(r: crate::domain::secret_version::Refusal) -> Self {
        use crate::domain::secret_version::Refusal;
        match r {
            Refusal::Invalid(e) => ApiError::Validation(e),
            Refusal::Conflict { message, hint, .. } => ApiError::Conflict { message, hint: Some(hint) },
        }
    }
}

impl From<InvalidInput> for ApiError {
    fn from(e: InvalidInput) -> Self {
        ApiError::Validation(e)
    }
}

impl From<UnknownId> for ApiError {
    fn from(e: UnknownId) -> Self {
        ApiError::not_found(e.what)
    }
}

impl From<BadId> for ApiError {
    fn from(e: BadId) -> Self {
        match e {
            BadId::NotAGlobalId { kind, field } => ApiError::validation(
                field,
                format!("not a global ID; use `{}`", kind.source()),
                Some("pass the opaque `id` the API returned for the object, not a raw UUID or a placeholder"),
            ),
            BadId::Unknown(u) => u.into(),
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(e: ApiError) -> Self {
        let code = e.code();
        let mut links = Vec::new();
        let mut budget_figures = None;
        let (message, hint, field, retry) = match e {
            ApiError::Unauthenticated => (
                "missing or invalid API token".to_owned(),
                Some("send Authorization: Bearer <api token>".to_owned()),
                None,
                None,
            ),
            ApiError::NotFound { what } => (format!("{what} not found"), None, None, None),
            ApiError::Forbidden { message, hint } => (message, hint, None, None),
            ApiError::Validation(InvalidInput { field, message, hint }) => (message, hint, Some(field), None),
            ApiError::Conflict { message, hint } => (message, hint, None, None),
            ApiError::NotAuthorizedUpstream { message, hint } => (message, hint, None, None),
            ApiError::ConnectAzureDevOps { message, hint, links: l } => {
                links = l;
                (message, Some(hint), None, None)
            }
            ApiError::UpstreamUnavailable { message } => {
                (message, Some(UPSTREAM_UNAVAILABLE_HINT.to_owned()), None, None)
            }
            ApiError::RateLimited { retry_after_seconds } => (
                format!("rate limited: retry after {retry_after_seconds} seconds"),
                Some(format!(
                    "wait {retry_after_seconds} seconds (extensions.retryAfterSeconds), then send the request again"
                )),
                None,
                Some(retry_after_seconds),
            ),
            ApiError::OverUpstreamBudget { calls, budget } => {
                budget_figures = Some((calls, budget));
                (
                    format!("this request could make up to {calls} Azure DevOps calls; one request may make {budget}"),
                    Some(
                        "ask for fewer items (a smaller `first` on nested connections), select fewer nested \
                         connections, or split the query into several requests"
                            .to_owned(),
                    ),
                    None,
                    None,
                )
            }
            // Logged inside the request's span, so the line carries its request id.
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                ("internal error".to_owned(), None, None, None)
            }
            ApiError::BadRequest { message, hint, field } => (message, hint, field.map(str::to_owned), None),
            ApiError::PayloadTooLarge { limit_bytes } => (
                format!("the request body is over the limit of {limit_bytes} bytes"),
                Some("send a smaller request: fewer or shorter variables, or split a batch".to_owned()),
                None,
                None,
            ),
        };
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(hint) = &hint {
                ext.set("hint", hint.as_str());
            }
            if let Some(field) = &field {
                ext.set("field", field.as_str());
            }
            if let Some(retry) = retry {
                ext.set("retryAfterSeconds", retry);
            }
            if let Some((calls, budget)) = budget_figures {
                ext.set("upstreamCalls", calls);
                ext.set("upstreamCallBudget", budget);
            }
            for (name, value) in &links {
                ext.set(*name, value.as_str());
            }
        })
    }
}
