//! Microsoft's own sample payloads (`fake-azure/testdata/service-hooks/`, from the Service Hooks
//! event reference), delivered over HTTP as Azure DevOps would: every field `WebhookDelivery`
//! parses is checked against the sample's own JSON, read here; nothing expected is written down
//! but the mapping of `eventType` names to `WebhookEventType` values.

use chrono::{DateTime, Utc};
use fake_azure::payloads::{Event, sample};
use serde_json::{Value, json};

use crate::support::integrations::webhook_integration;
use crate::support::webhooks::{deliver, deliveries, nodes};
use crate::support::{TestApp, on_both_backends};

fn graphql_event_type(event: Event) -> &'static str {
    match event {
        Event::Push => "CODE_PUSHED",
        Event::PullRequestCreated => "PULL_REQUEST_CREATED",
        Event::PullRequestUpdated => "PULL_REQUEST_UPDATED",
        Event::PullRequestMerged => "PULL_REQUEST_MERGE_ATTEMPTED",
        Event::PullRequestCommented => "PULL_REQUEST_COMMENTED",
        Event::WorkItemCommented => "WORK_ITEM_COMMENTED",
    }
}

/// The organization an Azure DevOps URL names: `dev.azure.com/{org}` or `{org}.visualstudio.com`.
fn organization(url: &Value) -> Value {
    let url = url::Url::parse(url.as_str().expect("a URL in the sample")).expect("URL parses");
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let org = match host.strip_suffix(".visualstudio.com") {
        Some(org) => org.to_owned(),
        None => url.path_segments().and_then(|mut s| s.next()).unwrap_or_default().to_ascii_lowercase(),
    };
    json!(org)
}

fn short(ref_name: &Value) -> Value {
    ref_name.as_str().map(|r| json!(r.strip_prefix("refs/heads/").unwrap_or(r))).unwrap_or(Value::Null)
}

fn commits(list: &Value) -> Value {
    let list = list.as_array().cloned().unwrap_or_default();
    Value::Array(
        list.iter()
            .map(|c| json!({"id": c["commitId"], "message": c["comment"], "author": c["author"]["name"]}))
            .collect(),
    )
}

/// The payload's identity whose display name the message text begins with (who acted on an
/// update or a merge attempt; the author only when the message names the author).
fn named_by_message<'a>(v: &Value, pr: &'a Value) -> &'a Value {
    let text = v["message"]["text"].as_str().unwrap_or_default();
    let mut people: Vec<&Value> = vec![&pr["createdBy"]];
    people.extend(pr["reviewers"].as_array().into_iter().flatten());
    people
        .into_iter()
        .filter(|p| p["displayName"].as_str().is_some_and(|n| text.starts_with(&format!("{n} "))))
        .max_by_key(|p| p["displayName"].as_str().map(str::len))
        .unwrap_or(&Value::Null)
}

/// What the sample says each parsed field is.
fn expected(event: Event, v: &Value) -> serde_json::Map<String, Value> {
    let r = &v["resource"];
    let mut e = json!({
        "eventId": v["id"], "rawEventType": v["eventType"], "eventType": graphql_event_type(event),
        "notificationId": v["notificationId"].as_i64().map(|n| json!(n.to_string())).unwrap_or(Value::Null),
        "subscriptionId": v["subscriptionId"], "publisherId": v["publisherId"], "resourceVersion": v["resourceVersion"],
        "project": null, "projectId": null, "repository": null, "repositoryId": null, "ref": null, "branch": null,
        "sourceBranch": null, "commits": [], "pullRequestNumber": null, "workItemId": null, "actor": null,
        "actorUser": null, "commentText": null, "commentEdited": false, "organization": null,
        "outcome": "PROCESSED", "duplicateCount": 0,
    });
    let repo = |e: &mut Value, repository: &Value| {
        e["repository"] = repository["name"].clone();
        e["repositoryId"] = repository["id"].clone();
        e["project"] = repository["project"]["name"].clone();
        e["projectId"] = repository["project"]["id"].clone();
    };
    let pull_request = |e: &mut Value, pr: &Value| {
        repo(e, &pr["repository"]);
        e["ref"] = pr["targetRefName"].clone();
        e["branch"] = short(&pr["targetRefName"]);
        e["sourceBranch"] = short(&pr["sourceRefName"]);
        e["pullRequestNumber"] = pr["pullRequestId"].clone();
        e["commits"] = commits(&pr["commits"]);
        e["organization"] = organization(&pr["url"]);
    };
    match event {
        Event::Push => {
            repo(&mut e, &r["repository"]);
            e["ref"] = r["refUpdates"][0]["name"].clone();
            e["branch"] = short(&r["refUpdates"][0]["name"]);
            e["commits"] = commits(&r["commits"]);
            e["actor"] = r["pushedBy"]["displayName"].clone();
            e["actorUser"] = r["pushedBy"]["uniqueName"].clone();
            e["organization"] = organization(&r["url"]);
        }
        Event::PullRequestCreated => {
            pull_request(&mut e, r);
            e["actor"] = r["createdBy"]["displayName"].clone();
            e["actorUser"] = r["createdBy"]["uniqueName"].clone();
        }
        Event::PullRequestUpdated | Event::PullRequestMerged => {
            pull_request(&mut e, r);
            let who = named_by_message(v, r);
            e["actor"] = who["displayName"].clone();
            e["actorUser"] = who["uniqueName"].clone();
        }
        Event::PullRequestCommented => {
            pull_request(&mut e, &r["pullRequest"]);
            let c = &r["comment"];
            e["commentText"] = c["content"].clone();
            e["actor"] = c["author"]["displayName"].clone();
            e["actorUser"] = c["author"]["uniqueName"].clone();
            e["commentEdited"] = json!(c["lastContentUpdatedDate"] != c["publishedDate"]);
        }
        Event::WorkItemCommented => {
            let f = &r["fields"];
            e["workItemId"] = r["id"].clone();
            e["project"] = f["System.TeamProject"].clone();
            e["projectId"] = v["resourceContainers"]["project"]["id"].clone();
            e["commentText"] = f["System.History"].clone();
            e["actor"] = f["System.ChangedBy"].clone();
            e["organization"] = organization(&r["url"]);
        }
    }
    match e {
        Value::Object(map) => map,
        _ => unreachable!("built as an object"),
    }
}

fn instant(v: &Value) -> DateTime<Utc> {
    let text = v.as_str().unwrap_or_else(|| panic!("a date: {v}"));
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}")).to_utc()
}

async fn microsofts_sample_payloads_parse_to_what_they_say(app: TestApp) {
    let (id, endpoint, password) = webhook_integration(&app).await;
    for event in Event::ALL {
        let resp = deliver(&app, &endpoint, Some(&password), sample(event).to_vec()).await;
        assert_eq!(resp.status(), 200, "{event:?}");
    }
    let all = deliveries(&app, &id, None).await;
    assert_eq!(all["totalCount"], Event::ALL.len(), "{all}");
    let stored = nodes(&all);
    let mut wrong = Vec::new();
    for event in Event::ALL {
        let raw = std::str::from_utf8(sample(event)).expect("samples are UTF-8");
        let v: Value = serde_json::from_str(raw).expect("samples are JSON");
        let d = stored.iter().find(|d| d["eventId"] == v["id"]).unwrap_or_else(|| panic!("{event:?} stored"));
        for (field, want) in expected(event, &v) {
            if d[&field] != want {
                wrong.push(format!("{event:?}.{field}: got {}, the sample says {want}", d[&field]));
            }
        }
        // The DateTime scalar carries milliseconds: the sample's instant, truncated to the millisecond.
        let drift = (instant(&v["createdDate"]) - instant(&d["createdAt"])).num_nanoseconds().unwrap_or(i64::MAX);
        if !(0..1_000_000).contains(&drift) {
            wrong.push(format!("{event:?}.createdAt: got {}, the sample says {}", d["createdAt"], v["createdDate"]));
        }
        if d["payload"] != raw {
            wrong.push(format!("{event:?}.payload differs from the sample"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let comment = stored.iter().find(|d| d["eventType"] == "PULL_REQUEST_COMMENTED").expect("comment sample");
    assert_eq!(comment["commentEdited"], true, "Microsoft's only comment sample is an edit");
}
on_both_backends!(microsofts_sample_payloads_parse_to_what_they_say);
