//! api-versions as each simulated release answers them: the range, preview-only resources, the
//! work item comments stages, and the version an answer says it was served at.
//!
//! Services: 7.1 released, 7.2 preview-only (a released `7.2` is refused as preview). Server:
//! 2019 5.0, 2020 6.0, 2022 7.0, 2022.1 7.1 (`docs/integrate/concepts/rest-api-versioning.md`).

use axum::response::Response;

use crate::errors;
use crate::http::Req;
use crate::state::Org;

/// One parsed `{major}.{minor}[-preview[.N]]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub preview: bool,
    /// The `N` of `-preview.N`.
    pub stage: Option<u32>,
}

impl Version {
    pub fn number(&self) -> (u32, u32) {
        (self.major, self.minor)
    }
}

pub fn parse(v: &str) -> Option<Version> {
    let (num, preview, stage) = match v.split_once('-') {
        Some((n, p)) => {
            let p = p.to_ascii_lowercase();
            let stage = match p.strip_prefix("preview") {
                Some("") => None,
                Some(rest) => {
                    let digits = rest.strip_prefix('.')?;
                    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                        return None;
                    }
                    Some(digits.parse().ok()?)
                }
                None => return None,
            };
            (n, true, stage)
        }
        None => (v, false, None),
    };
    let (major, minor) = num.split_once('.')?;
    Some(Version { major: major.parse().ok()?, minor: minor.parse().ok()?, preview, stage })
}

/// The highest released version: 7.1 on Services, the release's on Server.
pub fn released_max(org: &Org) -> (u32, u32) {
    org.server.as_ref().map(|s| s.release.max_api_version()).unwrap_or((7, 1))
}

/// The highest version served at all: Services also serves 7.2 previews.
fn any_max(org: &Org) -> (u32, u32) {
    if org.server.is_some() { released_max(org) } else { (7, 2) }
}

fn text((major, minor): (u32, u32)) -> String {
    format!("{major}.{minor}")
}

/// The latest version, as the out-of-range message names it.
fn latest_text(org: &Org) -> String {
    if org.server.is_some() { text(released_max(org)) } else { "7.2-preview".into() }
}

/// The version a request is served at (echoed in the Content-Type), or the 400 it earns:
/// none on a write (`VssVersionNotSpecifiedException`; a read gets the latest released),
/// unparsable, above the release (`VssVersionOutOfRangeException`), or a released version that
/// exists only as preview (`VssInvalidPreviewVersionException`).
pub fn check(req: &Req, org: &Org) -> Result<String, Box<Response>> {
    let Some(v) = req.api_version() else {
        if req.is_read() {
            return Ok(text(released_max(org)));
        }
        return Err(Box::new(errors::version_not_specified(req.method.as_str())));
    };
    let Some(parsed) = parse(&v) else {
        return Err(Box::new(errors::version_invalid(&v)));
    };
    if parsed.number() > any_max(org) {
        return Err(Box::new(errors::version_out_of_range(&v, &latest_text(org))));
    }
    if !parsed.preview && parsed.number() > released_max(org) {
        return Err(Box::new(errors::preview_required(&v)));
    }
    Ok(v)
}

/// For a preview-only resource (`connectionData`, work item comments): a released version is refused.
pub fn require_preview(req: &Req) -> Option<Response> {
    let v = req.api_version()?;
    parse(&v).filter(|p| !p.preview).map(|_| errors::preview_required(&v))
}

/// The work item comments resource version at an api-version number
/// (vsts-rest-api-specs `wit/{azure-devops-server-6.0,azure-devops-server-7.0,7.1,7.2}`;
/// 5.1 from python `v5_1`; 5.0's `-preview.2` is the older revision-comments resource).
pub fn comments_stage(number: (u32, u32)) -> u32 {
    match number {
        (7, 1..) | (8.., _) => 4,
        (5, 0) | (..=4, _) => 2,
        _ => 3,
    }
}

/// Whether `format` (markdown or html) exists at this comments version: from `7.1-preview.4` on.
pub fn comments_have_format(v: &Version) -> bool {
    v.number() >= (7, 1) && v.stage.is_none_or(|s| s >= 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_comments_stages_follow_the_specs() {
        assert_eq!([(5, 0), (5, 1), (6, 0), (7, 0), (7, 1), (7, 2)].map(comments_stage), [2, 3, 3, 3, 4, 4]);
        assert!(comments_have_format(&parse("7.1-preview.4").unwrap()));
        assert!(comments_have_format(&parse("7.2-preview").unwrap()));
        assert!(!comments_have_format(&parse("7.1-preview.3").unwrap()));
        assert!(!comments_have_format(&parse("7.0-preview.3").unwrap()));
    }
}
