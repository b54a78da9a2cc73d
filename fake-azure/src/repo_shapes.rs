//! Test-side helpers for repository shapes the real service has: empty and disabled repositories.

use crate::FakeAzure;

impl FakeAzure {
    /// Makes `repo` empty: no refs, no commits, no default branch, size 0 (as Azure DevOps shows a
    /// repository nobody pushed to).
    pub fn make_repository_empty(&self, org: &str, repo: &str) {
        self.with_repo(org, repo, |r| {
            r.refs.clear();
            r.commits.clear();
            r.default_branch = None;
            r.size = 0;
        });
    }

    /// Sets `isDisabled` on `repo`.
    pub fn disable_repository(&self, org: &str, repo: &str) {
        self.with_repo(org, repo, |r| r.is_disabled = true);
    }

    fn with_repo(&self, org: &str, repo: &str, f: impl FnOnce(&mut crate::state::Repo)) {
        let mut w = self.shared().lock();
        let o = w.orgs.get_mut(&org.to_ascii_lowercase()).unwrap_or_else(|| panic!("fake-azure: unknown org {org:?}"));
        let r = o
            .repos
            .iter_mut()
            .find(|r| r.name.eq_ignore_ascii_case(repo) || r.id.eq_ignore_ascii_case(repo))
            .unwrap_or_else(|| panic!("fake-azure: unknown repository {repo:?}"));
        f(r);
    }
}
