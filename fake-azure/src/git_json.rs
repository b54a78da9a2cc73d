//! JSON shapes of the Git area: repositories, refs, commits, pull requests, threads and comments.

use serde_json::{Value, json};

use crate::core::project_ref;
use crate::http::{enc, enc_query, iso};
use crate::identity::{idref, service_account};
use crate::state::{Comment, Commit, GitRef, Org, PullRequest, Repo, Thread};

/// `{pb}/{projectId}/_apis/git/repositories/{repoId}`.
pub fn repo_url(pb: &str, repo: &Repo) -> String {
    format!("{pb}/{}/_apis/git/repositories/{}", repo.project_id, repo.id)
}

fn host_of(pb: &str) -> (String, String, String) {
    match url::Url::parse(pb) {
        Ok(u) => {
            let host = u.host_str().unwrap_or("localhost").to_string();
            let with_port = match u.port() {
                Some(p) => format!("{host}:{p}"),
                None => host.clone(),
            };
            (u.scheme().to_string(), host, with_port)
        }
        Err(_) => ("http".into(), "localhost".into(), "localhost".into()),
    }
}

pub fn repo_json(org: &Org, repo: &Repo, pb: &str, links: bool) -> Value {
    let project = org.project_by_id(&repo.project_id);
    let pname = project.map(|p| p.name.clone()).unwrap_or_default();
    let web = format!("{pb}/{}/_git/{}", enc(&pname), enc(&repo.name));
    let (scheme, host, host_port) = host_of(pb);
    let (remote, ssh) = if org.server.is_some() {
        (web.clone(), format!("ssh://{host}:22/{}/{}/_git/{}", enc(&org.name), enc(&pname), enc(&repo.name)))
    } else {
        (
            format!(
                "{scheme}://{}@{host_port}/{}/{}/_git/{}",
                enc(&org.name),
                enc(&org.name),
                enc(&pname),
                enc(&repo.name)
            ),
            format!("git@{host}:v3/{}/{}/{}", enc(&org.name), enc(&pname), enc(&repo.name)),
        )
    };
    let url = repo_url(pb, repo);
    let mut v = json!({
        "id": repo.id,
        "name": repo.name,
        "url": url,
        "project": project.map(|p| project_ref(p, pb)),
        "size": repo.size,
        "remoteUrl": remote,
        "sshUrl": ssh,
        "webUrl": web,
        "isDisabled": repo.is_disabled,
        "isInMaintenance": false,
    });
    if let Some(b) = &repo.default_branch {
        v["defaultBranch"] = json!(b);
    }
    if links {
        v["_links"] = json!({
            "self": {"href": url},
            "project": {"href": format!("{pb}/_apis/projects/{}", repo.project_id)},
            "web": {"href": web},
            "commits": {"href": format!("{url}/commits")},
            "refs": {"href": format!("{url}/refs")},
            "pullRequests": {"href": format!("{url}/pullRequests")},
            "items": {"href": format!("{url}/items")},
            "pushes": {"href": format!("{url}/pushes")},
        });
    }
    v
}

pub fn ref_json(repo: &Repo, name: &str, r: &GitRef, pb: &str) -> Value {
    let short = name.strip_prefix("refs/").unwrap_or(name);
    json!({
        "name": name,
        "objectId": r.object_id,
        "creator": idref(&r.creator, pb),
        "url": format!("{}/refs?filter={}", repo_url(pb, repo), enc_query(short)),
    })
}

pub fn commit_json(org: &Org, repo: &Repo, c: &Commit, pb: &str) -> Value {
    let who = json!({"name": c.author.display_name, "email": c.author.unique_name, "date": c.date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)});
    let pname = org.project_by_id(&repo.project_id).map(|p| p.name.clone()).unwrap_or_default();
    let first_line = c.message.lines().next().unwrap_or_default();
    let mut v = json!({
        "commitId": c.id,
        "author": who,
        "committer": who,
        "comment": first_line,
        "changeCounts": {"Add": 0, "Edit": 1, "Delete": 0},
        "url": format!("{}/commits/{}", repo_url(pb, repo), c.id),
        "remoteUrl": format!("{pb}/{}/_git/{}/commit/{}", enc(&pname), enc(&repo.name), c.id),
    });
    if first_line.len() < c.message.len() {
        v["commentTruncated"] = json!(true);
    }
    v
}

pub fn pr_url(pb: &str, repo: &Repo, id: u32) -> String {
    format!("{}/pullRequests/{id}", repo_url(pb, repo))
}

pub fn pr_json(org: &Org, repo: &Repo, pr: &PullRequest, pb: &str, links: bool) -> Value {
    let url = pr_url(pb, repo, pr.id);
    let rurl = repo_url(pb, repo);
    let project = org.project_by_id(&repo.project_id);
    let reviewers: Vec<Value> = pr
        .reviewers
        .iter()
        .map(|(u, vote)| {
            json!({
                "reviewerUrl": format!("{url}/reviewers/{}", u.id),
                "vote": vote, "hasDeclined": false, "isFlagged": false,
                "displayName": u.display_name, "url": format!("{pb}/_apis/Identities/{}", u.id),
                "id": u.id, "uniqueName": u.unique_name,
                "imageUrl": format!("{pb}/_api/_common/identityImage?id={}", u.id),
            })
        })
        .collect();
    let commit_ref = |id: &str| json!({"commitId": id, "url": format!("{rurl}/commits/{id}")});
    let mut v = json!({
        "repository": {
            "id": repo.id, "name": repo.name, "url": rurl,
            "project": project.map(|p| json!({"id": p.id, "name": p.name, "state": "wellFormed", "visibility": p.visibility, "lastUpdateTime": iso(p.last_update)})),
        },
        "pullRequestId": pr.id,
        "codeReviewId": pr.id,
        "status": pr.status.as_str(),
        "createdBy": idref(&pr.created_by, pb),
        "creationDate": iso(pr.creation_date),
        "title": pr.title,
        "description": pr.description,
        "sourceRefName": pr.source,
        "targetRefName": pr.target,
        "mergeStatus": "succeeded",
        "isDraft": pr.is_draft,
        "mergeId": pr.merge_id,
        "lastMergeSourceCommit": commit_ref(&pr.source_commit),
        "lastMergeTargetCommit": commit_ref(&pr.target_commit),
        "reviewers": reviewers,
        "url": url,
        "supportsIterations": true,
        "artifactId": format!("vstfs:///Git/PullRequestId/{}%2f{}%2f{}", repo.project_id, repo.id, pr.id),
    });
    if let Some(m) = &pr.merge_commit {
        v["lastMergeCommit"] = commit_ref(m);
    }
    if let Some(closed) = pr.closed_date {
        v["closedDate"] = json!(iso(closed));
        v["closedBy"] = idref(&pr.created_by, pb);
        v["completionQueueTime"] = json!(iso(closed));
        v["completionOptions"] = json!({"mergeStrategy": "squash", "deleteSourceBranch": true});
    }
    if links {
        let web = format!(
            "{pb}/{}/_git/{}/pullrequest/{}",
            enc(&project.map(|p| p.name.clone()).unwrap_or_default()),
            enc(&repo.name),
            pr.id
        );
        v["_links"] = json!({
            "self": {"href": url}, "repository": {"href": rurl},
            "workItems": {"href": format!("{url}/workitems")},
            "sourceBranch": {"href": format!("{rurl}/refs/{}", pr.source.trim_start_matches("refs/"))},
            "targetBranch": {"href": format!("{rurl}/refs/{}", pr.target.trim_start_matches("refs/"))},
            "statuses": {"href": format!("{url}/statuses")},
            "sourceCommit": {"href": format!("{rurl}/commits/{}", pr.source_commit)},
            "targetCommit": {"href": format!("{rurl}/commits/{}", pr.target_commit)},
            "createdBy": {"href": format!("{pb}/_apis/Identities/{}", pr.created_by.id)},
            "iterations": {"href": format!("{url}/iterations")},
            "web": {"href": web},
        });
    }
    v
}

pub fn comment_json(org: &Org, repo: &Repo, pr: u32, thread: u32, c: &Comment, pb: &str) -> Value {
    let turl = format!("{}/threads/{thread}", pr_url(pb, repo, pr));
    let author = match &c.author {
        Some(u) => idref(u, pb),
        None => service_account(&org.name, pb),
    };
    let ts = iso(c.published);
    json!({
        "id": c.id,
        "parentCommentId": c.parent,
        "author": author,
        "content": c.content,
        "publishedDate": ts,
        "lastUpdatedDate": ts,
        "lastContentUpdatedDate": ts,
        "commentType": c.comment_type,
        "usersLiked": [],
        "_links": {
            "self": {"href": format!("{turl}/comments/{}", c.id)},
            "repository": {"href": repo_url(pb, repo)},
            "threads": {"href": turl},
            "pullRequests": {"href": pr_url(pb, repo, pr)},
        },
    })
}

pub fn thread_json(org: &Org, repo: &Repo, pr: u32, t: &Thread, pb: &str) -> Value {
    let comments: Vec<Value> = t.comments.iter().map(|c| comment_json(org, repo, pr, t.id, c, pb)).collect();
    let mut v = json!({
        "pullRequestThreadContext": null,
        "id": t.id,
        "publishedDate": iso(t.published),
        "lastUpdatedDate": iso(t.updated),
        "comments": comments,
        "properties": t.properties,
        "identities": null,
        "isDeleted": false,
        "_links": {
            "self": {"href": format!("{}/threads/{}", pr_url(pb, repo, pr), t.id)},
            "repository": {"href": repo_url(pb, repo)},
        },
    });
    if !t.status.is_empty() {
        v["status"] = json!(t.status);
    }
    if !t.context.is_null() {
        v["threadContext"] = t.context.clone();
    }
    v
}
