//! Test-side mutators and inspectors of the world (`add_*`, `set_*`, counters); they panic on an unknown org (a test bug).

use chrono::Utc;
use serde_json::Value;

use crate::model::{AccessLevel, Ace, EntraApp, Pat, ServerOptions, User, guid_from, hex40};
use crate::seed::{commit, new_project, new_repo};
use crate::state::{GitRef, Org, PrStatus, PullRequest, Tenant, WorkItem, WorkItemComment, World};
use crate::{DEFAULT_TENANT, FakeAzure, entra_issue};

fn org_mut<'a>(w: &'a mut World, org: &str) -> &'a mut Org {
    w.orgs.get_mut(&org.to_ascii_lowercase()).unwrap_or_else(|| panic!("fake-azure: unknown organization {org:?}"))
}

fn repo_pos(o: &Org, project: Option<&str>, repo: &str) -> usize {
    let pid = project.map(|p| o.project(p).unwrap_or_else(|| panic!("fake-azure: unknown project {p:?}")).id.clone());
    o.repo_index(pid.as_deref(), repo).unwrap_or_else(|| panic!("fake-azure: unknown repository {repo:?}"))
}

impl FakeAzure {
    /// An empty Services organization (no projects, no PATs) backed by `DEFAULT_TENANT`.
    pub fn add_org(&self, org: &str) {
        self.shared().lock().orgs.insert(org.to_ascii_lowercase(), Org::new(org, None, DEFAULT_TENANT));
    }

    /// An empty Azure DevOps Server collection served at `{base}/{collection}`.
    pub fn add_server_collection(&self, collection: &str, opts: ServerOptions) {
        self.shared()
            .lock()
            .orgs
            .insert(collection.to_ascii_lowercase(), Org::new(collection, Some(opts), DEFAULT_TENANT));
    }

    /// Adds a project and returns its id (stable for the same org and name).
    pub fn add_project(&self, org: &str, name: &str) -> String {
        let id = guid_from(&format!("project:{}:{}", org.to_ascii_lowercase(), name.to_ascii_lowercase()));
        org_mut(&mut self.shared().lock(), org).projects.push(new_project(&id, name, ""));
        id
    }

    /// Adds a repository whose default branch `refs/heads/main` holds one commit; returns its id.
    pub fn add_repository(&self, org: &str, project: &str, name: &str) -> String {
        let mut w = self.shared().lock();
        let o = org_mut(&mut w, org);
        let pid = o.project(project).unwrap_or_else(|| panic!("fake-azure: unknown project {project:?}")).id.clone();
        let id = guid_from(&format!("repo:{}:{pid}:{}", o.name, name.to_ascii_lowercase()));
        o.repos.push(new_repo(&id, name, &pid, &User::dana()));
        id
    }

    /// Registers a PAT for `org`.
    pub fn add_pat(&self, org: &str, token: &str, pat: Pat) {
        org_mut(&mut self.shared().lock(), org).pats.insert(token.into(), pat);
    }

    /// Sets an access control entry: an identity's allow or deny on a security token (see `Ace`),
    /// replacing that identity's entry for the same bits on the same token, as an ACL edit does.
    pub fn set_permission(&self, org: &str, ace: Ace) {
        let mut world = self.shared().lock();
        let acl = &mut org_mut(&mut world, org).acl;
        acl.retain(|a| {
            !(a.identity.eq_ignore_ascii_case(&ace.identity)
                && a.namespace.eq_ignore_ascii_case(&ace.namespace)
                && a.token.eq_ignore_ascii_case(&ace.token)
                && a.bits == ace.bits)
        });
        acl.push(ace);
    }

    /// Server only: IIS Basic authentication on (every PAT gets IIS's own 401 challenge).
    pub fn set_iis_basic_auth(&self, collection: &str, on: bool) {
        org_mut(&mut self.shared().lock(), collection).iis_basic_auth = on;
    }

    /// Forgets a PAT (a revoked token then answers like an unknown one).
    pub fn remove_pat(&self, org: &str, token: &str) {
        org_mut(&mut self.shared().lock(), org).pats.remove(token);
    }

    /// Adds the service principal of app `client_id` to `org` with `level` (as the Users page or
    /// `serviceprincipalentitlements` would); returns its object id.
    pub fn add_service_principal(&self, org: &str, client_id: &str, level: AccessLevel) -> String {
        let id = crate::service_principal_id(client_id);
        org_mut(&mut self.shared().lock(), org).service_principals.insert(id.clone(), level);
        id
    }

    /// Registers (or replaces) an app in a tenant, creating the tenant when new.
    pub fn add_entra_app(&self, tenant_id: &str, app: EntraApp) {
        let mut w = self.shared().lock();
        let t = w.tenants.entry(tenant_id.to_ascii_lowercase()).or_insert_with(|| Tenant {
            id: tenant_id.into(),
            apps: Vec::new(),
            sign_in_user: User::dana(),
        });
        t.apps.retain(|a| !a.client_id.eq_ignore_ascii_case(&app.client_id));
        t.apps.push(app);
    }

    /// Who signs in at the tenant's `/authorize` (default Dana Kim).
    pub fn set_sign_in_user(&self, tenant_id: &str, user: User) {
        if let Some(t) = self.shared().lock().tenants.get_mut(&tenant_id.to_ascii_lowercase()) {
            t.sign_in_user = user;
        }
    }

    /// The next `/authorize` redirects with `error=<error>` (e.g. `access_denied`) instead of a code.
    pub fn deny_next_authorization(&self, error: &str) {
        self.shared().lock().deny_next_authorization = Some(error.into());
    }

    /// Which Entra tenant backs `org` (bearer tokens from other tenants get 401 TF400813).
    pub fn set_org_tenant(&self, org: &str, tenant_id: &str) {
        org_mut(&mut self.shared().lock(), org).tenant_id = tenant_id.into();
    }

    /// Org policy that refuses OAuth bearer tokens with 401 TF400813 (PATs unaffected).
    pub fn set_oauth_blocked(&self, org: &str, blocked: bool) {
        org_mut(&mut self.shared().lock(), org).oauth_blocked = blocked;
    }

    /// A bearer token for the Azure DevOps resource, as if Entra issued it in `DEFAULT_TENANT`.
    pub fn issue_access_token(&self, user: User, scopes: &[&str]) -> String {
        let base = self.base_url();
        entra_issue::mint(&mut self.shared().lock(), &base, DEFAULT_TENANT, user, scopes)
    }

    /// Every issued access token expires now.
    pub fn expire_access_tokens(&self) {
        let now = Utc::now();
        for t in self.shared().lock().access_tokens.values_mut() {
            t.expires_at = now;
        }
    }

    /// Every outstanding authorization code and refresh token expires (AADSTS70008).
    pub fn expire_grants(&self) {
        let mut w = self.shared().lock();
        w.auth_codes.values_mut().for_each(|c| c.expired = true);
        w.refresh_tokens.values_mut().for_each(|t| t.valid = false);
    }

    /// Creates `refs/heads/{branch}` at a new commit on top of `from` (a branch name, default `main`); returns the commit id.
    pub fn add_branch(&self, org: &str, repo: &str, branch: &str, from: Option<&str>) -> String {
        let mut w = self.shared().lock();
        let o = org_mut(&mut w, org);
        let i = repo_pos(o, None, repo);
        let r = &mut o.repos[i];
        let from_ref = format!("refs/heads/{}", from.unwrap_or("main"));
        let parent = r.refs.get(&from_ref).map(|g| g.object_id.clone());
        let id = hex40(&format!("{}:{branch}:{}", r.id, uuid::Uuid::new_v4()));
        let user = User::dana();
        r.commits.push(commit(&id, parent.as_deref(), &format!("Work on {branch}"), &user, Utc::now()));
        r.refs.insert(format!("refs/heads/{branch}"), GitRef { object_id: id.clone(), creator: user });
        id
    }

    /// `(full ref name, object id)` of every ref of a repository.
    pub fn refs(&self, org: &str, repo: &str) -> Vec<(String, String)> {
        let mut w = self.shared().lock();
        let o = org_mut(&mut w, org);
        let i = repo_pos(o, None, repo);
        o.repos[i].refs.iter().map(|(k, v)| (k.clone(), v.object_id.clone())).collect()
    }

    /// Adds an active pull request between two branch names (short or full); returns its id.
    pub fn add_pull_request(&self, org: &str, repo: &str, source: &str, target: &str, title: &str) -> u32 {
        let full = |b: &str| {
            if b.starts_with("refs/") { b.to_string() } else { format!("refs/heads/{b}") }
        };
        let mut w = self.shared().lock();
        let o = org_mut(&mut w, org);
        let id = o.next_pr_id;
        o.next_pr_id += 1;
        let i = repo_pos(o, None, repo);
        let r = &mut o.repos[i];
        let head = |name: &str| r.refs.get(name).map(|g| g.object_id.clone()).unwrap_or_default();
        let pr = PullRequest {
            id,
            title: title.into(),
            description: String::new(),
            source: full(source),
            target: full(target),
            status: PrStatus::Active,
            is_draft: false,
            created_by: User::dana(),
            creation_date: Utc::now(),
            closed_date: None,
            reviewers: Vec::new(),
            merge_id: uuid::Uuid::new_v4().to_string(),
            source_commit: head(&full(source)),
            target_commit: head(&full(target)),
            merge_commit: None,
            threads: Vec::new(),
        };
        r.prs.push(pr);
        id
    }

    /// Adds an (empty) work item to a project.
    pub fn add_work_item(&self, org: &str, project: &str, id: u32) {
        let mut w = self.shared().lock();
        let o = org_mut(&mut w, org);
        let pid = o.project(project).unwrap_or_else(|| panic!("fake-azure: unknown project {project:?}")).id.clone();
        o.work_items.insert(id, WorkItem { id, project_id: pid, comments: Vec::new() });
    }

    /// Adds a comment to a work item; returns the comment id.
    pub fn add_work_item_comment(&self, org: &str, work_item: u32, text: &str, author: User) -> u32 {
        let mut w = self.shared().lock();
        let o = org_mut(&mut w, org);
        let cid = o.next_wi_comment_id;
        o.next_wi_comment_id += 1;
        let wi =
            o.work_items.get_mut(&work_item).unwrap_or_else(|| panic!("fake-azure: unknown work item {work_item}"));
        wi.comments.push(WorkItemComment {
            id: cid,
            text: text.into(),
            author,
            date: Utc::now(),
            format: "markdown".into(),
        });
        cid
    }

    /// The service hook subscriptions of `org`, with confidential inputs in clear (what the fake would deliver with).
    pub fn hook_subscriptions(&self, org: &str) -> Vec<Value> {
        org_mut(&mut self.shared().lock(), org).hooks.iter().map(|h| h.body.clone()).collect()
    }

    /// Sets a subscription's `status` (e.g. `disabledBySystem`, as Azure DevOps does after failures).
    pub fn set_hook_status(&self, org: &str, subscription_id: &str, status: &str) {
        let mut w = self.shared().lock();
        let o = org_mut(&mut w, org);
        let hook = o
            .hooks
            .iter_mut()
            .find(|h| h.id.eq_ignore_ascii_case(subscription_id))
            .unwrap_or_else(|| panic!("fake-azure: unknown subscription {subscription_id:?}"));
        hook.body["status"] = serde_json::json!(status);
    }

    /// `unique_name` leaves the organization: every subscription they created stops, as Azure
    /// DevOps disables it ("the owner is inactive or is missing permissions").
    pub fn deactivate_user(&self, org: &str, unique_name: &str) {
        let mut w = self.shared().lock();
        for hook in &mut org_mut(&mut w, org).hooks {
            if hook.body["createdBy"]["uniqueName"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(unique_name)) {
                hook.body["status"] = serde_json::json!("disabledByInactiveIdentity");
            }
        }
    }

    /// Deletes a subscription behind vcslink's back (drift).
    pub fn remove_hook(&self, org: &str, subscription_id: &str) {
        org_mut(&mut self.shared().lock(), org).hooks.retain(|h| !h.id.eq_ignore_ascii_case(subscription_id));
    }
}
