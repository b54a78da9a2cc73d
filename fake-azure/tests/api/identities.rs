//! Identities (IMS): by ids and by search, scope `vso.identity`, the wire shape of the spec examples.

use fake_azure::{ALL_SCOPES, DEFAULT_PAT, FakeAzure, Pat, User};

use crate::support::{body, get, get_as};

const READER: &str = "r8d2kq5wz3nx7hpa4ymt6cje2bfu3vl5gso7kiqe6wna4rzt7hxd";

fn reader(fake: &FakeAzure) {
    let mut scopes = ALL_SCOPES.to_vec();
    scopes.push("vso.identity");
    fake.add_pat("contoso", READER, Pat::with_scopes(User::dana(), &scopes));
}

#[tokio::test]
async fn identities_need_the_identity_scope_and_answer_401_without_it() {
    let fake = FakeAzure::start().await;
    let dana = User::dana().id;
    let path = format!("/contoso/_apis/identities?identityIds={dana}&queryMembership=None&api-version=7.1");
    let r = get_as(&fake, &path, DEFAULT_PAT).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401, "the default PAT has no vso.identity");
}

#[tokio::test]
async fn identities_by_id_name_each_identity_and_null_for_nobody() {
    let fake = FakeAzure::start().await;
    reader(&fake);
    let dana = User::dana();
    let nobody = "00000000-0000-4000-8000-000000000001";
    let path = format!(
        "/contoso/_apis/identities?identityIds={},{nobody}&queryMembership=None&api-version=7.1",
        dana.id.to_uppercase()
    );
    let r = get_as(&fake, &path, READER).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let b = body(r).await;
    assert_eq!(b["count"], 2);
    assert_eq!(b["value"][0]["id"], dana.id);
    assert_eq!(b["value"][0]["providerDisplayName"], dana.display_name);
    assert_eq!(b["value"][0]["properties"]["Account"]["$value"], dana.unique_name);
    assert!(b["value"][0]["subjectDescriptor"].as_str().is_some_and(|d| d.starts_with("aad.")));
    assert!(b["value"][1].is_null());
}

#[tokio::test]
async fn identities_by_search_match_display_or_unique_names() {
    let fake = FakeAzure::start().await;
    reader(&fake);
    let r = get_as(
        &fake,
        "/contoso/_apis/identities?searchFilter=General&filterValue=dana%40contoso.com&api-version=7.1",
        READER,
    )
    .send()
    .await
    .unwrap();
    let b = body(r).await;
    assert_eq!(b["count"], 1);
    assert_eq!(b["value"][0]["providerDisplayName"], "Dana Kim");
    let r = get_as(&fake, "/contoso/_apis/identities?api-version=7.1", READER).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400, "neither ids nor a search");
    let r = get(&fake, "/contoso/_apis/identities?searchFilter=General&filterValue=x&api-version=9.9")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400, "an api-version out of range");
}
