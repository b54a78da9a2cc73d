//! connectionData, projects paging, api-version rules, Server collections.

use fake_azure::{FakeAzure, Pat, ServerOptions, ServerRelease, User};
use serde_json::json;

use crate::support::{body, client, get, get_as, header, post};

#[tokio::test]
async fn connection_data_names_the_authenticated_user() {
    let fake = FakeAzure::start().await;
    let r = get(&fake, "/contoso/_apis/connectionData?connectOptions=1&lastChangeId=-1&lastChangeId64=-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let b = body(r).await;
    assert_eq!(b["authenticatedUser"]["id"], User::dana().id);
    assert_eq!(b["authenticatedUser"]["providerDisplayName"], "Dana Kim");
    assert_eq!(b["authenticatedUser"]["properties"]["Account"]["$value"], "dana@contoso.com");
    assert_eq!(b["deploymentType"], "hosted");
    assert!(b["locationServiceData"]["serviceDefinitions"].is_array());
}

#[tokio::test]
async fn projects_page_with_a_continuation_token() {
    let fake = FakeAzure::start().await;
    for i in 0..5 {
        fake.add_project("contoso", &format!("P{i}"));
    }
    let r = get(&fake, "/contoso/_apis/projects?$top=3").send().await.unwrap();
    assert_eq!(header(&r, "x-ms-continuationtoken").unwrap(), "3");
    let b = body(r).await;
    assert_eq!(b["count"], 3);
    assert_eq!(b["value"][0]["name"], "Platform");
    assert_eq!(
        b["value"][0]["url"],
        format!("{}/contoso/_apis/projects/9a6f3c1e-2b4d-4e8a-b0c7-5d1e2f3a4b5c", fake.base_url())
    );
    assert_eq!(b["value"][0]["state"], "wellFormed");
    let r = get(&fake, "/contoso/_apis/projects?$top=3&continuationToken=3").send().await.unwrap();
    assert!(header(&r, "x-ms-continuationtoken").is_some());
    let r = get(&fake, "/contoso/_apis/projects?$top=3&continuationToken=6").send().await.unwrap();
    assert!(header(&r, "x-ms-continuationtoken").is_none());
    assert_eq!(body(r).await["count"], 1);
    let r = get(&fake, "/contoso/_apis/projects").send().await.unwrap();
    assert!(header(&r, "x-ms-continuationtoken").is_none());
    assert_eq!(body(r).await["count"], 7);
}

#[tokio::test]
async fn writes_without_an_api_version_get_400() {
    let fake = FakeAzure::start().await;
    let r = post(&fake, "/contoso/_apis/hooks/subscriptions", &json!({})).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let b = body(r).await;
    assert_eq!(b["typeKey"], "VssVersionNotSpecifiedException");
    assert!(b["message"].as_str().unwrap().starts_with("No api-version was supplied for the \"POST\" request."));
}

#[tokio::test]
async fn a_server_collection_refuses_newer_versions_and_reports_on_premises() {
    let fake = FakeAzure::start().await;
    fake.add_server_collection(
        "DefaultCollection",
        ServerOptions { release: ServerRelease::Server2022, localhost_urls: true },
    );
    fake.add_pat("DefaultCollection", "srv-pat", Pat::full(User::dana()));
    fake.add_project("DefaultCollection", "Legacy");
    let r = get_as(&fake, "/DefaultCollection/_apis/projects?api-version=7.1", "srv-pat").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let b = body(r).await;
    assert_eq!(b["typeKey"], "VssVersionOutOfRangeException");
    assert_eq!(
        b["message"],
        "The requested REST API version of 7.1 is out of range for this server. The latest REST API version this server supports is 7.0."
    );
    let r = get_as(&fake, "/DefaultCollection/_apis/projects?api-version=7.0", "srv-pat").send().await.unwrap();
    assert_eq!(header(&r, "content-type").unwrap(), "application/json; charset=utf-8; api-version=7.0");
    let b = body(r).await;
    assert!(b["value"][0]["url"].as_str().unwrap().starts_with("http://localhost/DefaultCollection/_apis/projects/"));
    let b = body(get_as(&fake, "/defaultcollection/_apis/connectionData", "srv-pat").send().await.unwrap()).await;
    assert_eq!(b["deploymentType"], "onPremises");

    let r = client().get(format!("{}/DefaultCollection/_apis/projects", fake.base_url())).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401, "Server challenges instead of the 203 page");
}

#[tokio::test]
async fn an_added_org_is_empty_until_given_a_pat() {
    let fake = FakeAzure::start().await;
    fake.add_org("fabrikam");
    let r = get(&fake, "/fabrikam/_apis/projects").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 203);
    fake.add_pat("fabrikam", "fab-pat", Pat::full(User::new("Ana Ruiz", "ana@fabrikam.com")));
    let r = get_as(&fake, "/fabrikam/_apis/projects", "fab-pat").send().await.unwrap();
    assert_eq!(body(r).await, json!({"count": 0, "value": []}));
}

/// A collection of `release` with the project `Platform` and a full PAT `srv-pat`.
fn server(fake: &FakeAzure, release: ServerRelease) {
    fake.add_server_collection("DefaultCollection", ServerOptions { release, localhost_urls: false });
    fake.add_pat("DefaultCollection", "srv-pat", Pat::full(User::dana()));
    fake.add_project("DefaultCollection", "Platform");
}

#[tokio::test]
async fn connection_data_refuses_a_released_version_and_serves_every_preview_form() {
    let fake = FakeAzure::start().await;
    for released in ["7.1", "7.0", "6.0"] {
        let r = get(&fake, &format!("/contoso/_apis/connectionData?api-version={released}")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 400, "{released}");
        let b = body(r).await;
        assert_eq!(b["typeKey"], "VssInvalidPreviewVersionException");
        assert_eq!(
            b["typeName"],
            "Microsoft.VisualStudio.Services.WebApi.VssInvalidPreviewVersionException, Microsoft.VisualStudio.Services.WebApi"
        );
        assert_eq!(
            b["message"],
            format!(
                "The requested version \"{released}\" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: \"{released}-preview\""
            )
        );
    }
    for preview in ["7.1-preview", "7.1-preview.1", "7.2-preview.1", "5.0-preview.1"] {
        let r = get(&fake, &format!("/contoso/_apis/connectionData?api-version={preview}")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{preview}");
        let served = format!("application/json; charset=utf-8; api-version={preview}");
        assert_eq!(header(&r, "content-type").unwrap(), served);
    }
    let r = get(&fake, "/contoso/_apis/connectionData").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "no api-version at all is served too");
}

#[tokio::test]
async fn services_serves_7_1_released_and_7_2_only_as_a_preview() {
    let fake = FakeAzure::start().await;
    let r = get(&fake, "/contoso/_apis/projects?api-version=7.1").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = get(&fake, "/contoso/_apis/projects?api-version=7.2").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(body(r).await["typeKey"], "VssInvalidPreviewVersionException");
    let r = get(&fake, "/contoso/_apis/projects?api-version=7.2-preview.1").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = get(&fake, "/contoso/_apis/projects?api-version=8.0").send().await.unwrap();
    assert_eq!(body(r).await["typeKey"], "VssVersionOutOfRangeException");
}

#[tokio::test]
async fn each_server_release_refuses_versions_above_its_own_with_the_exact_message() {
    for (release, latest, above) in [
        (ServerRelease::Server2019, "5.0", "6.0"),
        (ServerRelease::Server2020, "6.0", "7.0"),
        (ServerRelease::Server2022, "7.0", "7.1"),
        (ServerRelease::Server2022_1, "7.1", "7.2-preview.1"),
    ] {
        let fake = FakeAzure::start().await;
        server(&fake, release);
        let path = format!("/DefaultCollection/_apis/connectionData?api-version={above}");
        let r = get_as(&fake, &path, "srv-pat").send().await.unwrap();
        assert_eq!(r.status().as_u16(), 400, "{release:?}");
        let b = body(r).await;
        assert_eq!(b["typeKey"], "VssVersionOutOfRangeException");
        assert_eq!(
            b["message"],
            format!(
                "The requested REST API version of {above} is out of range for this server. The latest REST API version this server supports is {latest}."
            )
        );
        let path = format!("/DefaultCollection/_apis/connectionData?api-version={latest}-preview.1");
        let r = get_as(&fake, &path, "srv-pat").send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{release:?}");
        assert_eq!(body(r).await["deploymentType"], "onPremises");
        let path = format!("/DefaultCollection/_apis/projects?api-version={latest}");
        let r = get_as(&fake, &path, "srv-pat").send().await.unwrap();
        let served = format!("application/json; charset=utf-8; api-version={latest}");
        assert_eq!(header(&r, "content-type").unwrap(), served, "{release:?}");
    }
}
