//! REST api-versions: `{major}.{minor}[-preview[.N]]`, what each Azure DevOps release serves, and
//! the version each resource is asked with once an organization's version is negotiated.
//!
//! Sources: `docs/integrate/concepts/rest-api-versioning.md` (format, the release table),
//! vsts-rest-api-specs (`specification/wit/{azure-devops-server-6.0,azure-devops-server-7.0,7.1}`
//! for the work item comments stages), Microsoft's clients (azure-devops-python-api
//! `v5_0`..`v7_1` location and work item tracking clients, azure-devops-go-api `location`).

use std::fmt;
use std::future::Future;
use std::str::FromStr;

use super::error::AzureError;

/// Released, or a preview with an optional resource version (`-preview`, `-preview.4`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    Released,
    Preview(Option<u16>),
}

/// One api-version as sent in `?api-version=` or read from an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ApiVersion {
    pub major: u16,
    pub minor: u16,
    pub stage: Stage,
}

impl ApiVersion {
    pub const fn released(major: u16, minor: u16) -> ApiVersion {
        ApiVersion { major, minor, stage: Stage::Released }
    }

    /// `{major}.{minor}[-preview[.N]]` (the stage case-insensitive, surrounding blanks ignored).
    pub fn parse(s: &str) -> Option<ApiVersion> {
        let s = s.trim();
        let (number, stage) = match s.split_once('-') {
            None => (s, Stage::Released),
            Some((number, stage)) => {
                let stage = stage.to_ascii_lowercase();
                let stage = match stage.strip_prefix("preview") {
                    Some("") => Stage::Preview(None),
                    Some(rest) => Stage::Preview(Some(digits(rest.strip_prefix('.')?)?)),
                    None => return None,
                };
                (number, stage)
            }
        };
        let (major, minor) = number.split_once('.')?;
        Some(ApiVersion { major: digits(major)?, minor: digits(minor)?, stage })
    }

    /// The same number, released (`7.1-preview.4` → `7.1`).
    pub fn number(self) -> ApiVersion {
        ApiVersion::released(self.major, self.minor)
    }

    /// The same number at preview stage `n`.
    pub fn preview(self, n: u16) -> ApiVersion {
        ApiVersion { stage: Stage::Preview(Some(n)), ..self }
    }

    pub fn is_preview(self) -> bool {
        matches!(self.stage, Stage::Preview(_))
    }

    /// Compares numbers only (`7.0-preview.3` and `7.0` are equal here).
    pub fn cmp_number(self, other: ApiVersion) -> std::cmp::Ordering {
        (self.major, self.minor).cmp(&(other.major, other.minor))
    }
}

fn digits(s: &str) -> Option<u16> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        match self.stage {
            Stage::Released => Ok(()),
            Stage::Preview(None) => f.write_str("-preview"),
            Stage::Preview(Some(n)) => write!(f, "-preview.{n}"),
        }
    }
}

impl FromStr for ApiVersion {
    type Err = InvalidApiVersion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ApiVersion::parse(s).ok_or(InvalidApiVersion)
    }
}

/// Text that is not `{major}.{minor}[-preview[.N]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not an api-version")]
pub struct InvalidApiVersion;

/// The Azure DevOps products vcslink knows, newest first (versioning table, §1.2 of the reference).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Release {
    /// 7.1 released; 7.2 exists only as previews.
    Services,
    /// Azure DevOps Server 2022.1 and later: 7.1 (indirect: its on-prem swagger is `azure-devops-server-7.1`).
    Server2022_1,
    Server2022,
    Server2020,
    Server2019,
}

impl Release {
    pub const ALL: [Release; 5] =
        [Release::Services, Release::Server2022_1, Release::Server2022, Release::Server2020, Release::Server2019];

    /// The highest released api-version the release serves.
    pub fn api_version(self) -> ApiVersion {
        match self {
            Release::Services | Release::Server2022_1 => ApiVersion::released(7, 1),
            Release::Server2022 => ApiVersion::released(7, 0),
            Release::Server2020 => ApiVersion::released(6, 0),
            Release::Server2019 => ApiVersion::released(5, 0),
        }
    }
}

/// The api-version vcslink and one organization agreed on: a released number, at most 7.1.
/// Every resource's version derives from it ([`Negotiated::released`], [`Negotiated::connection_data`],
/// [`Negotiated::work_item_comments`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Negotiated(ApiVersion);

impl Negotiated {
    /// The newest version vcslink speaks (Services, Server 2022.1+).
    pub const LATEST: Negotiated = Negotiated(ApiVersion::released(7, 1));
    /// The oldest Server vcslink speaks (Azure DevOps Server 2019).
    pub const OLDEST: Negotiated = Negotiated(ApiVersion::released(5, 0));

    /// From what a server says it serves (a `VssVersionOutOfRangeException`'s latest, or the
    /// `api-version` of an answer's Content-Type): its number, kept between 5.0 and 7.1.
    pub fn from_served(served: ApiVersion) -> Negotiated {
        let number = served.number();
        if number.cmp_number(Self::LATEST.0).is_gt() {
            Self::LATEST
        } else if number.cmp_number(Self::OLDEST.0).is_lt() {
            Self::OLDEST
        } else {
            Negotiated(number)
        }
    }

    pub fn parse(s: &str) -> Option<Negotiated> {
        ApiVersion::parse(s).map(Negotiated::from_served)
    }

    /// For released resources (projects, git refs / pull requests / threads, service hooks,
    /// permission evaluation): the number itself.
    pub fn released(self) -> ApiVersion {
        self.0
    }

    /// `connectionData` is preview-only at every version: `{v}-preview.1` (python `v5_0`..`v7_1`,
    /// go `v6`/`v7` location clients).
    pub fn connection_data(self) -> ApiVersion {
        self.0.preview(1)
    }

    /// How work item comments are spoken at this version.
    pub fn work_item_comments(self) -> CommentsApi {
        let v = self.0;
        match (v.major, v.minor) {
            // vsts-rest-api-specs `wit/7.1`, `wit/azure-devops-server-7.1`: `format` exists from here.
            (7, 1..) | (8.., _) => CommentsApi::Comments { version: v.preview(4), markdown: true },
            // `wit/azure-devops-server-7.0` and `-6.0`: `7.0-preview.3`, `6.0-preview.3`, text is HTML.
            (6 | 7, _) => CommentsApi::Comments { version: v.preview(3), markdown: false },
            // python `v5_1` `add_comment`: `5.1-preview.3` (CommentCreate), the same resource.
            (5, 1..) => CommentsApi::Comments { version: v.preview(3), markdown: false },
            // Server 2019 has no comments resource to post to: python `v5_0` only reads
            // revision comments (`get_comments`, `5.0-preview.2`, location 19335ae7); a discussion
            // comment is a `System.History` edit of the work item (api-version 5.0).
            _ => CommentsApi::History { read: v.preview(2), write: v },
        }
    }
}

impl Default for Negotiated {
    fn default() -> Self {
        Negotiated::LATEST
    }
}

impl fmt::Display for Negotiated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Which work item comments API a version has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentsApi {
    /// `{project}/_apis/wit/workItems/{id}/comments` (list, add); `markdown`: `format=markdown` is accepted.
    Comments { version: ApiVersion, markdown: bool },
    /// Server 2019: revision comments to read (`read`), a `System.History` patch to write (`write`).
    History { read: ApiVersion, write: ApiVersion },
}

/// Runs `call` at `start`; when the server answers `VssVersionOutOfRangeException` naming an
/// older version, runs it once more at that one (docs/azure-devops-wire.md §1.3: "retry once with the
/// version the message names"). Returns the answer and the version it was asked at.
pub async fn with_fallback<T, F, Fut>(start: Negotiated, mut call: F) -> (Result<T, AzureError>, Negotiated)
where
    F: FnMut(Negotiated) -> Fut,
    Fut: Future<Output = Result<T, AzureError>>,
{
    let first = call(start).await;
    let older = match &first {
        Err(AzureError::VersionOutOfRange { latest: Some(latest) }) => Negotiated::parse(latest),
        _ => None,
    };
    match older.filter(|v| *v != start) {
        Some(older) => {
            tracing::info!(from = %start, to = %older, "the server is older; asking again at its version");
            (call(older).await, older)
        }
        None => (first, start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_parse_and_print_every_documented_form() {
        for text in ["7.1", "7.1-preview", "7.1-preview.4", "5.0-preview.2", "10.12"] {
            assert_eq!(ApiVersion::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(ApiVersion::parse(" 7.0-Preview.3 ").unwrap(), ApiVersion::released(7, 0).preview(3));
        for bad in ["", "7", "7.", ".1", "7.1-beta", "7.1-preview.", "7.1-preview.x", "v7.1", "7.1.2"] {
            assert_eq!(ApiVersion::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn each_release_serves_the_version_of_the_versioning_table() {
        let served: Vec<String> = Release::ALL.iter().map(|r| r.api_version().to_string()).collect();
        assert_eq!(served, ["7.1", "7.1", "7.0", "6.0", "5.0"]);
    }

    #[test]
    fn a_served_version_negotiates_to_its_number_within_what_vcslink_speaks() {
        assert_eq!(Negotiated::parse("7.0").unwrap().to_string(), "7.0");
        assert_eq!(Negotiated::parse("6.0-preview").unwrap().to_string(), "6.0");
        assert_eq!(Negotiated::parse("7.2-preview.1").unwrap(), Negotiated::LATEST);
        assert_eq!(Negotiated::parse("4.1").unwrap(), Negotiated::OLDEST);
        assert_eq!(Negotiated::parse("seven"), None);
    }

    #[test]
    fn connection_data_is_asked_with_a_preview_version_at_every_release() {
        let asked: Vec<String> = Release::ALL
            .iter()
            .map(|r| Negotiated::from_served(r.api_version()).connection_data().to_string())
            .collect();
        assert_eq!(asked, ["7.1-preview.1", "7.1-preview.1", "7.0-preview.1", "6.0-preview.1", "5.0-preview.1"]);
    }

    #[tokio::test]
    async fn an_out_of_range_answer_is_retried_once_at_the_version_it_names() {
        let asked = std::sync::Mutex::new(Vec::new());
        let (answer, used) = with_fallback(Negotiated::LATEST, |v| {
            asked.lock().unwrap().push(v.to_string());
            async move {
                match v.to_string().as_str() {
                    "7.1" => Err(AzureError::VersionOutOfRange { latest: Some("6.0".into()) }),
                    _ => Ok(v.to_string()),
                }
            }
        })
        .await;
        assert_eq!((answer.unwrap(), used.to_string()), ("6.0".to_owned(), "6.0".to_owned()));
        assert_eq!(*asked.lock().unwrap(), ["7.1", "6.0"]);
        let (answer, used) = with_fallback(Negotiated::LATEST, |_| async {
            Err::<(), _>(AzureError::VersionOutOfRange { latest: Some("7.1".into()) })
        })
        .await;
        assert!(matches!(answer, Err(AzureError::VersionOutOfRange { .. })));
        assert_eq!(used, Negotiated::LATEST);
    }

    #[test]
    fn work_item_comments_use_the_stage_of_each_release_and_markdown_only_from_7_1() {
        let api = |r: Release| Negotiated::from_served(r.api_version()).work_item_comments();
        let v = |s: &str| ApiVersion::parse(s).unwrap();
        assert_eq!(api(Release::Services), CommentsApi::Comments { version: v("7.1-preview.4"), markdown: true });
        assert_eq!(api(Release::Server2022_1), CommentsApi::Comments { version: v("7.1-preview.4"), markdown: true });
        assert_eq!(api(Release::Server2022), CommentsApi::Comments { version: v("7.0-preview.3"), markdown: false });
        assert_eq!(api(Release::Server2020), CommentsApi::Comments { version: v("6.0-preview.3"), markdown: false });
        assert_eq!(api(Release::Server2019), CommentsApi::History { read: v("5.0-preview.2"), write: v("5.0") });
    }
}
