//! The default world `FakeAzure::start()` serves: org `contoso`, its projects, repos, branches, PRs, work item, PAT and Entra app.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

use crate::model::{EntraApp, Pat, User, hex40};
use crate::state::{
    Comment, Commit, GitRef, Org, PrStatus, Project, PullRequest, Repo, Tenant, Thread, WorkItem, WorkItemComment,
    World,
};
use crate::{
    API_GATEWAY_REPO_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_ORG, DEFAULT_PAT, DEFAULT_TENANT,
    PLATFORM_PROJECT_ID,
};

pub const MAIN_HEAD: &str = "a1f9e2d3c4b5a6978877665544332211ffeeddcc";
pub const FEATURE_HEAD: &str = "5d0c8e3f7a21b94e6f0d1c2b3a4958677e6f5a4b";

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).single().unwrap_or_else(Utc::now)
}

pub fn commit(id: &str, parent: Option<&str>, message: &str, author: &User, date: DateTime<Utc>) -> Commit {
    Commit { id: id.into(), parent: parent.map(str::to_string), message: message.into(), author: author.clone(), date }
}

/// A repository with `refs/heads/main` at one initial commit.
pub fn new_repo(id: &str, name: &str, project_id: &str, author: &User) -> Repo {
    let c0 = hex40(&format!("initial:{id}"));
    let mut refs = BTreeMap::new();
    refs.insert("refs/heads/main".to_string(), GitRef { object_id: c0.clone(), creator: author.clone() });
    Repo {
        id: id.into(),
        name: name.into(),
        project_id: project_id.into(),
        default_branch: Some("refs/heads/main".into()),
        size: 1024,
        is_disabled: false,
        refs,
        commits: vec![commit(&c0, None, "Initial commit", author, at(2025, 1, 6, 9, 0, 0))],
        prs: Vec::new(),
    }
}

pub fn new_project(id: &str, name: &str, description: &str) -> Project {
    Project {
        id: id.into(),
        name: name.into(),
        description: description.into(),
        revision: 411,
        visibility: "private".into(),
        last_update: at(2024, 11, 2, 9, 14, 51),
    }
}

pub fn world() -> World {
    let dana = User::dana();
    let lee = User::lee();
    let mut org = Org::new(DEFAULT_ORG, None, DEFAULT_TENANT);
    org.projects.push(new_project(PLATFORM_PROJECT_ID, "Platform", "Core services"));
    let website = "2d7b4e6f-8a1c-4b3d-9e5f-6a7b8c9d0e1f";
    org.projects.push(new_project(website, "Website", "Public website"));

    let mut gw = new_repo(API_GATEWAY_REPO_ID, "api-gateway", PLATFORM_PROJECT_ID, &dana);
    gw.size = 4_821_733;
    let c0 = gw.commits[0].id.clone();
    let release = hex40("api-gateway:release-2024.3");
    gw.commits.push(commit(MAIN_HEAD, Some(&c0), "Merged PR 317: Bump tokio", &dana, at(2025, 3, 3, 17, 40, 12)));
    gw.commits.push(commit(
        FEATURE_HEAD,
        Some(MAIN_HEAD),
        "Add token bucket limiter",
        &dana,
        at(2025, 3, 4, 10, 15, 0),
    ));
    gw.commits.push(commit(&release, Some(&c0), "Release 2024.3", &lee, at(2025, 2, 14, 16, 0, 0)));
    for (name, id, who) in [
        ("refs/heads/main", MAIN_HEAD, &dana),
        ("refs/heads/feature/rate-limit", FEATURE_HEAD, &dana),
        ("refs/heads/release/2024.3", release.as_str(), &lee),
        ("refs/tags/v2024.3.0", release.as_str(), &lee),
    ] {
        gw.refs.insert(name.into(), GitRef { object_id: id.into(), creator: who.clone() });
    }
    gw.prs.push(completed_pr(&dana, &lee, &c0));
    gw.prs.push(active_pr(&dana, &lee));
    org.repos.push(gw);
    org.repos.push(new_repo("e1d2c3b4-a596-4788-9a0b-1c2d3e4f5a6b", "billing", PLATFORM_PROJECT_ID, &dana));
    org.repos.push(new_repo("f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f", "www", website, &lee));
    org.next_pr_id = 319;
    org.next_thread_id = 1208;

    let comments = [
        (75, "Seeing 429s from the gateway when the nightly import runs.", &lee, at(2025, 3, 1, 8, 30, 0)),
        (76, "Reproduced locally; limiter defaults are too low.", &dana, at(2025, 3, 2, 14, 5, 0)),
        (77, "Deployed to staging in build 20250304.3", &dana, at(2025, 3, 4, 12, 0, 41)),
    ];
    let wi_comments = comments
        .into_iter()
        .map(|(id, text, who, date)| WorkItemComment {
            id,
            text: text.into(),
            author: who.clone(),
            date,
            format: "markdown".into(),
        })
        .collect();
    org.work_items.insert(4521, WorkItem { id: 4521, project_id: PLATFORM_PROJECT_ID.into(), comments: wi_comments });
    org.next_wi_comment_id = 78;
    org.pats.insert(DEFAULT_PAT.into(), Pat::full(dana.clone()));

    let mut w = World::default();
    w.orgs.insert(DEFAULT_ORG.into(), org);
    w.app_certificates.insert(
        crate::APP_IDENTITY_CLIENT_ID.to_ascii_lowercase(),
        vec![crate::APP_IDENTITY_CERTIFICATE_PEM.to_owned()],
    );
    w.tenants.insert(
        DEFAULT_TENANT.into(),
        Tenant {
            id: DEFAULT_TENANT.into(),
            apps: vec![
                EntraApp {
                    client_id: DEFAULT_CLIENT_ID.into(),
                    client_secret: DEFAULT_CLIENT_SECRET.into(),
                    secret_expired: false,
                },
                EntraApp {
                    client_id: crate::APP_IDENTITY_CLIENT_ID.into(),
                    client_secret: crate::APP_IDENTITY_SECRET.into(),
                    secret_expired: false,
                },
            ],
            sign_in_user: dana,
        },
    );
    w
}

fn completed_pr(dana: &User, lee: &User, base: &str) -> PullRequest {
    PullRequest {
        id: 317,
        title: "Bump tokio".into(),
        description: "Routine dependency update.".into(),
        source: "refs/heads/deps/tokio".into(),
        target: "refs/heads/main".into(),
        status: PrStatus::Completed,
        is_draft: false,
        created_by: dana.clone(),
        creation_date: at(2025, 3, 3, 15, 2, 11),
        closed_date: Some(at(2025, 3, 3, 17, 40, 12)),
        reviewers: vec![(lee.clone(), 10)],
        merge_id: "3f0a9b1c-2d4e-4f60-8a7b-9c0d1e2f3a4b".into(),
        source_commit: hex40("api-gateway:deps-tokio"),
        target_commit: base.into(),
        merge_commit: Some(MAIN_HEAD.into()),
        threads: Vec::new(),
    }
}

fn active_pr(dana: &User, lee: &User) -> PullRequest {
    let t = at(2025, 3, 4, 11, 2, 33);
    let system = Thread {
        id: 1206,
        status: String::new(),
        context: serde_json::Value::Null,
        properties: json!({
            "CodeReviewThreadType": {"$type": "System.String", "$value": "RefUpdate"},
            "CodeReviewRefUpdatedByIdentity": {"$type": "System.Int32", "$value": 0},
        }),
        published: at(2025, 3, 4, 10, 21, 8),
        updated: at(2025, 3, 4, 10, 21, 8),
        comments: vec![Comment {
            id: 1,
            parent: 0,
            author: None,
            content: "Dana Kim updated the source branch".into(),
            comment_type: "system".into(),
            published: at(2025, 3, 4, 10, 21, 8),
        }],
    };
    let person = Thread {
        id: 1207,
        status: "active".into(),
        context: json!({"filePath": "/src/limiter.rs", "rightFileStart": {"line": 42, "offset": 1}, "rightFileEnd": {"line": 42, "offset": 20}}),
        properties: json!({}),
        published: t,
        updated: at(2025, 3, 4, 11, 30, 0),
        comments: vec![
            Comment {
                id: 1,
                parent: 0,
                author: Some(lee.clone()),
                content: "One nit below.".into(),
                comment_type: "text".into(),
                published: t,
            },
            Comment {
                id: 2,
                parent: 1,
                author: Some(dana.clone()),
                content: "Fixed in the next push.".into(),
                comment_type: "text".into(),
                published: at(2025, 3, 4, 11, 30, 0),
            },
        ],
    };
    PullRequest {
        id: 318,
        title: "Add token bucket limiter".into(),
        description: "Per-tenant limits.".into(),
        source: "refs/heads/feature/rate-limit".into(),
        target: "refs/heads/main".into(),
        status: PrStatus::Active,
        is_draft: false,
        created_by: dana.clone(),
        creation_date: at(2025, 3, 4, 10, 21, 7),
        closed_date: None,
        reviewers: vec![(lee.clone(), 0)],
        merge_id: "0b7e5c2a-91d4-4f63-8a2e-6c1d3b9f0e57".into(),
        source_commit: FEATURE_HEAD.into(),
        target_commit: MAIN_HEAD.into(),
        merge_commit: None,
        threads: vec![system, person],
    }
}
