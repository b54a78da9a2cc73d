//! Tests of OAuth app parsing: tenant sources, derived endpoints, explicit URLs, scopes.

use super::*;

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT: &str = "11111111-2222-3333-4444-555555555555";

fn authority() -> Url {
    Url::parse("https://login.microsoftonline.com/").unwrap()
}

fn fields() -> OAuthAppFields {
    OAuthAppFields {
        tenant_id: Some(TENANT.to_owned()),
        client_id: CLIENT.to_owned(),
        client_secret: "Ab8Q~secret-value-0123456789".to_owned(),
        ..OAuthAppFields::default()
    }
}

#[test]
fn endpoints_are_derived_from_the_tenant_and_authority() {
    let app = OAuthApp::parse(fields(), &authority()).unwrap();
    let base = format!("https://login.microsoftonline.com/{TENANT}");
    assert_eq!(app.tenant_id(), TENANT);
    assert_eq!(app.issuer_url().as_str(), format!("{base}/v2.0"));
    assert_eq!(app.authorization_url().as_str(), format!("{base}/oauth2/v2.0/authorize"));
    assert_eq!(app.token_url().as_str(), format!("{base}/oauth2/v2.0/token"));
    assert_eq!(app.discovery_url().as_str(), format!("{base}/v2.0/.well-known/openid-configuration"));
    assert_eq!(app.client_id(), CLIENT);
    assert_eq!(app.tenant().as_str(), TENANT);
    assert_eq!(app.client_secret_hint(), "6789");
    assert_eq!(app.scopes(), DEFAULT_SCOPES);
    assert!(!app.missing_offline_access());
    assert!(!app.missing_azure_devops_scope());
    assert!(!format!("{app:?}").contains("secret-value"));
}

#[test]
fn the_tenant_can_come_from_the_issuer_url() {
    let input = OAuthAppFields {
        tenant_id: None,
        issuer_url: Some(format!("http://127.0.0.1:9000/{TENANT}/v2.0/")),
        ..fields()
    };
    let app = OAuthApp::parse(input, &Url::parse("http://127.0.0.1:9000").unwrap()).unwrap();
    assert_eq!(app.tenant_id(), TENANT);
    assert_eq!(app.issuer_url().as_str(), format!("http://127.0.0.1:9000/{TENANT}/v2.0/"));
    assert_eq!(
        app.discovery_url().as_str(),
        format!("http://127.0.0.1:9000/{TENANT}/v2.0/.well-known/openid-configuration")
    );
    assert_eq!(app.token_url().as_str(), format!("http://127.0.0.1:9000/{TENANT}/oauth2/v2.0/token"));
}

#[test]
fn explicit_endpoints_win_over_derived_ones() {
    let input = OAuthAppFields {
        authorization_url: Some("https://login.example.com/authorize".to_owned()),
        token_url: Some("https://login.example.com/token".to_owned()),
        ..fields()
    };
    let app = OAuthApp::parse(input, &authority()).unwrap();
    assert_eq!(app.authorization_url().as_str(), "https://login.example.com/authorize");
    assert_eq!(app.token_url().as_str(), "https://login.example.com/token");
}

#[test]
fn a_tenant_is_required_from_one_source_and_both_must_agree() {
    let none = OAuthAppFields { tenant_id: None, ..fields() };
    let err = OAuthApp::parse(none, &authority()).unwrap_err();
    assert_eq!(err.field, "oauthApp.tenantId");
    assert!(err.hint.unwrap().contains("tenant) ID GUID"));

    let blank = OAuthAppFields { tenant_id: Some("  ".to_owned()), ..fields() };
    assert_eq!(OAuthApp::parse(blank, &authority()).unwrap_err().field, "oauthApp.tenantId");

    let no_tenant_path =
        OAuthAppFields { tenant_id: None, issuer_url: Some("https://login.example.com/".to_owned()), ..fields() };
    assert_eq!(OAuthApp::parse(no_tenant_path, &authority()).unwrap_err().field, "oauthApp.issuerUrl");

    let other = "00000000-0000-0000-0000-000000000001";
    let disagree =
        OAuthAppFields { issuer_url: Some(format!("https://login.microsoftonline.com/{other}/v2.0")), ..fields() };
    assert_eq!(OAuthApp::parse(disagree, &authority()).unwrap_err().field, "oauthApp.issuerUrl");

    let common = OAuthAppFields {
        tenant_id: None,
        issuer_url: Some("https://login.microsoftonline.com/common/v2.0".to_owned()),
        ..fields()
    };
    assert_eq!(OAuthApp::parse(common, &authority()).unwrap_err().field, "oauthApp.issuerUrl");
}

#[test]
fn bad_fields_are_reported_by_their_own_names() {
    let cases: Vec<(OAuthAppFields, &str)> = vec![
        (OAuthAppFields { client_id: "app".to_owned(), ..fields() }, "oauthApp.clientId"),
        (OAuthAppFields { client_secret: String::new(), ..fields() }, "oauthApp.clientSecret"),
        (OAuthAppFields { tenant_id: Some("common".to_owned()), ..fields() }, "oauthApp.tenantId"),
        (OAuthAppFields { issuer_url: Some("/relative/v2.0".to_owned()), ..fields() }, "oauthApp.issuerUrl"),
        (
            OAuthAppFields { authorization_url: Some("ftp://x/authorize".to_owned()), ..fields() },
            "oauthApp.authorizationUrl",
        ),
        (OAuthAppFields { token_url: Some("https://u:p@x/token".to_owned()), ..fields() }, "oauthApp.tokenUrl"),
        (OAuthAppFields { token_url: Some("not a url".to_owned()), ..fields() }, "oauthApp.tokenUrl"),
        (OAuthAppFields { scopes: Some(vec![]), ..fields() }, "oauthApp.scopes"),
        (OAuthAppFields { scopes: Some(vec!["openid profile".to_owned()]), ..fields() }, "oauthApp.scopes"),
        (OAuthAppFields { scopes: Some(vec![String::new()]), ..fields() }, "oauthApp.scopes"),
    ];
    for (input, field) in cases {
        let err = OAuthApp::parse(input, &authority()).unwrap_err();
        assert_eq!(err.field, field);
        assert!(err.hint.is_some(), "{field}");
    }
}

#[test]
fn given_scopes_are_deduplicated_and_a_missing_offline_access_is_flagged() {
    let scopes =
        vec![format!("{ADO_RESOURCE_ID}/vso.code"), "openid".to_owned(), format!("{ADO_RESOURCE_ID}/vso.code")];
    let app = OAuthApp::parse(OAuthAppFields { scopes: Some(scopes), ..fields() }, &authority()).unwrap();
    assert_eq!(app.scopes(), [format!("{ADO_RESOURCE_ID}/vso.code"), "openid".to_owned()]);
    assert!(app.missing_offline_access());
    assert!(!app.missing_azure_devops_scope());

    let only_oidc = OAuthAppFields { scopes: Some(vec!["openid".to_owned(), "offline_access".to_owned()]), ..fields() };
    let app = OAuthApp::parse(only_oidc, &authority()).unwrap();
    assert!(!app.missing_offline_access());
    assert!(app.missing_azure_devops_scope());
}
