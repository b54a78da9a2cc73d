//! The small HTML pages the OAuth callback answers with: what happened and what to do next.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

pub use crate::domain::html::escape;

fn page(status: StatusCode, title: &str, paragraphs: &[String]) -> Response {
    page_with(status, title, paragraphs, "")
}

/// A page of escaped paragraphs, then `html` (already escaped by the caller).
fn page_with(status: StatusCode, title: &str, paragraphs: &[String], html: &str) -> Response {
    let mut body: String = paragraphs.iter().map(|p| format!("<p>{}</p>", escape(p))).collect();
    body.push_str(html);
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

/// "Signed in; finish in the platform with this code": the handle, for a flow without `returnUrl`.
/// The page names the account, so the user sees what the platform will connect.
pub fn parked(handle: &str, authenticated_as: &str, organization: &str, warning: Option<&str>) -> Response {
    let mut lines = vec![
        format!("You signed in to Azure DevOps as {authenticated_as} for organization {organization}."),
        "Nothing is connected yet: go back to the platform you started from and complete the connection \
         there with this one-time code (it works for that account only, once, for 10 minutes):"
            .to_owned(),
    ];
    if let Some(w) = warning {
        lines.push(w.to_owned());
    }
    let code = format!("<p><code id=\"vcslink-authorization\">{}</code></p>", escape(handle));
    page_with(StatusCode::OK, "Finish connecting Azure DevOps", &lines, &code)
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
