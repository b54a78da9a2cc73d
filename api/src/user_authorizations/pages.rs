//! The small HTML pages the OAuth callback answers with: what happened and what to do next.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub use crate::domain::html::escape;

fn page(status: StatusCode, title: &str, paragraphs: &[String]) -> Response {
    let body: String = paragraphs.iter().map(|p| format!("<p>{}</p>", escape(p))).collect();
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\
         <body><h1>{t}</h1>{body}</body></html>",
        t = escape(title)
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        html,
    )
        .into_response()
}

/// "Azure DevOps is connected; you can close this window."
pub fn connected(authenticated_as: &str, organization: &str, warning: Option<&str>) -> Response {
    let mut lines = vec![
        format!("Azure DevOps is connected as {authenticated_as} for organization {organization}."),
        "You can close this window.".to_owned(),
    ];
    if let Some(w) = warning {
        lines.push(w.to_owned());
    }
    page(StatusCode::OK, "Azure DevOps is connected", &lines)
}

/// A failed authorization: what went wrong and what to do. Nothing was stored.
pub fn failed(status: StatusCode, problem: &str, what_to_do: &str) -> Response {
    page(
        status,
        "Azure DevOps was not connected",
        &[problem.to_owned(), what_to_do.to_owned(), "Nothing was stored.".to_owned()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
