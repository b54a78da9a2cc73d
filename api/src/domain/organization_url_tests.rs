//! Table-driven tests of organization URL parsing: every accepted shape and every refusal.

use super::*;

const SERVICES: Option<Flavor> = Some(Flavor::Services);
const SERVER: Option<Flavor> = Some(Flavor::Server);

#[test]
fn every_accepted_shape_has_one_canonical_form() {
    // (input, explicit flavor, canonical, flavor, organization)
    #[rustfmt::skip]
    let cases: &[(&str, Option<Flavor>, &str, Flavor, &str)] = &[
        ("https://dev.azure.com/contoso", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
        ("https://dev.azure.com/contoso/", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
        ("  https://dev.azure.com/Contoso  \n", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
        ("https://DEV.Azure.com/CONTOSO", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
        ("https://dev.azure.com:443/contoso", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
        ("http://dev.azure.com/contoso", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
        ("https://dev.azure.com/contoso", SERVICES, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
        ("https://dev.azure.com/my-org-2", None, "https://dev.azure.com/my-org-2", Flavor::Services, "my-org-2"),
        ("https://contoso.visualstudio.com", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
        ("https://Contoso.VisualStudio.com/", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
        ("https://contoso.visualstudio.com/DefaultCollection", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
        ("https://contoso.visualstudio.com/defaultcollection/", SERVICES, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
        ("http://contoso.visualstudio.com", None, "https://dev.azure.com/contoso", Flavor::Services, "contoso"),
        ("http://127.0.0.1:8081/contoso", SERVICES, "http://127.0.0.1:8081/contoso", Flavor::Services, "contoso"),
        ("http://127.0.0.1:8081/Contoso/", SERVICES, "http://127.0.0.1:8081/contoso", Flavor::Services, "contoso"),
        ("https://ado-proxy.example.com/contoso", SERVICES, "https://ado-proxy.example.com/contoso", Flavor::Services, "contoso"),
        ("http://[::1]:9000/contoso", SERVICES, "http://[::1]:9000/contoso", Flavor::Services, "contoso"),
        ("https://ado.example.com/DefaultCollection", None, "https://ado.example.com/DefaultCollection", Flavor::Server, "DefaultCollection"),
        ("https://ADO.example.com:443/DefaultCollection/", None, "https://ado.example.com/DefaultCollection", Flavor::Server, "DefaultCollection"),
        ("https://ado.example.com/tfs/DefaultCollection", None, "https://ado.example.com/tfs/DefaultCollection", Flavor::Server, "DefaultCollection"),
        ("https://ado.example.com/TFS/Fabrikam", SERVER, "https://ado.example.com/TFS/Fabrikam", Flavor::Server, "Fabrikam"),
        ("http://ado.example.com:8080/tfs/Fabrikam", None, "http://ado.example.com:8080/tfs/Fabrikam", Flavor::Server, "Fabrikam"),
        ("http://ado.example.com:80/tfs/Fabrikam", None, "http://ado.example.com/tfs/Fabrikam", Flavor::Server, "Fabrikam"),
        ("https://ado.example.com/My%20Collection", None, "https://ado.example.com/My%20Collection", Flavor::Server, "My Collection"),
        ("http://127.0.0.1:8081/DefaultCollection", None, "http://127.0.0.1:8081/DefaultCollection", Flavor::Server, "DefaultCollection"),
    ];
    for (input, flavor, canonical, expected_flavor, organization) in cases {
        let url = OrganizationUrl::parse(input, *flavor).unwrap_or_else(|e| panic!("{input}: {e:?}"));
        assert_eq!(url.as_str(), *canonical, "{input}");
        assert_eq!(url.api_base(), *canonical, "{input}");
        assert_eq!(url.url().as_str().trim_end_matches('/'), *canonical, "{input}");
        assert_eq!(url.flavor(), *expected_flavor, "{input}");
        assert_eq!(url.organization(), *organization, "{input}");
        assert_eq!(url.to_string(), *canonical, "{input}");
        // The canonical form parses to itself: what is stored can be parsed again.
        let again = OrganizationUrl::parse(url.as_str(), Some(url.flavor())).unwrap();
        assert_eq!(again, url, "{input}");
    }
}

#[test]
fn every_refusal_names_the_field_and_gives_an_actionable_hint() {
    // (input, explicit flavor, expected hint fragment)
    #[rustfmt::skip]
    let cases: &[(&str, Option<Flavor>, &str)] = &[
        ("", None, "https://dev.azure.com/{organization}"),
        ("   ", None, "https://dev.azure.com/{organization}"),
        ("contoso", None, "use https://dev.azure.com/contoso"),
        ("Contoso", None, "use https://dev.azure.com/contoso"),
        ("dev.azure.com/contoso", None, "use https://dev.azure.com/contoso"),
        ("dev.azure.com/contoso/Platform", None, "use https://dev.azure.com/contoso, without a project path"),
        ("ado.example.com/tfs/DefaultCollection", None, "use https://ado.example.com/tfs/DefaultCollection"),
        ("https://dev.azure.com/contoso/Platform", None, "use https://dev.azure.com/contoso, without a project path"),
        ("https://dev.azure.com/contoso/Platform/_git/api", None, "use https://dev.azure.com/contoso, without a project path"),
        ("https://dev.azure.com/contoso/_git/api", None, "use https://dev.azure.com/contoso, without a project path"),
        ("https://dev.azure.com/contoso/_apis", None, "use https://dev.azure.com/contoso, without a project path"),
        ("https://dev.azure.com/contoso/_usersSettings/tokens", None, "without a project path"),
        ("https://contoso.visualstudio.com/Platform", None, "use https://dev.azure.com/contoso, without a project path"),
        ("https://contoso.visualstudio.com/DefaultCollection/Platform", None, "use https://dev.azure.com/contoso, without a project path"),
        ("https://dev.azure.com/contoso?view=all", None, "use https://dev.azure.com/contoso"),
        ("https://dev.azure.com/contoso#top", None, "use https://dev.azure.com/contoso"),
        ("https://dev.azure.com/contoso?", None, "use https://dev.azure.com/contoso"),
        ("https://user:pat@dev.azure.com/contoso", None, "personalAccessToken"),
        ("https://pat@dev.azure.com/contoso", None, "personalAccessToken"),
        ("https://:pat@ado.example.com/tfs/Coll", None, "personalAccessToken"),
        ("ftp://dev.azure.com/contoso", None, "https://dev.azure.com/{organization}"),
        ("file:///etc/passwd", None, "https://dev.azure.com/{organization}"),
        ("https://dev.azure.com", None, "https://dev.azure.com/{organization}"),
        ("https://dev.azure.com/", None, "https://dev.azure.com/{organization}"),
        ("https://dev.azure.com:8443/contoso", None, "https://dev.azure.com/{organization}"),
        ("https://dev.azure.com/-contoso", None, "letters, digits and hyphens"),
        ("https://dev.azure.com/con_toso", None, "letters, digits and hyphens"),
        ("https://dev.azure.com/contoso", SERVER, "omit flavor, or use SERVICES"),
        ("https://contoso.visualstudio.com", SERVER, "omit flavor, or use SERVICES"),
        ("https://app.vssps.visualstudio.com", None, "https://dev.azure.com/{organization}"),
        ("https://ado.example.com", None, "add the collection, e.g. https://ado.example.com/tfs/DefaultCollection"),
        ("https://ado.example.com/", None, "add the collection, e.g. https://ado.example.com/tfs/DefaultCollection"),
        ("https://ado.example.com/tfs", None, "add the collection, e.g. https://ado.example.com/tfs/DefaultCollection"),
        ("https://ado.example.com/tfs/", None, "add the collection"),
        ("https://ado.example.com/_apis", None, "add the collection"),
        ("https://ado.example.com/tfs/Coll/Platform", None, "use https://ado.example.com/tfs/Coll, without a project path"),
        ("https://ado.example.com/tfs/Coll/_apis/projects", None, "use https://ado.example.com/tfs/Coll, without a project path"),
        ("https://ado.example.com/Coll/Platform", None, "use https://ado.example.com/Coll, without a project path"),
        ("https://ado.example.com/a/b/c", None, "without a project path"),
        ("http://127.0.0.1:8081", SERVICES, "use http://127.0.0.1:8081/{organization}"),
        ("http://127.0.0.1:8081/contoso/Platform", SERVICES, "use http://127.0.0.1:8081/contoso, without a project path"),
        ("https://", None, "https://dev.azure.com/{organization}"),
        ("https://dev.azure.com/%ZZ", None, "letters, digits and hyphens"),
        ("https://ado.example.com/%ZZ", None, "add the collection"),
        ("https://ado.example.com/a%2Fb", None, "add the collection"),
        ("https://ado.example.com/tfs/a%5Cb", None, "add the collection"),
    ];
    for (input, flavor, hint) in cases {
        let err = OrganizationUrl::parse(input, *flavor).expect_err(input);
        assert_eq!(err.field, "organizationUrl", "{input}");
        let got = err.hint.clone().unwrap_or_default();
        assert!(got.contains(hint), "{input}: hint {got:?} lacks {hint:?} ({err})");
        assert!(!err.message.contains("pat@"), "{input}: the message must not echo credentials");
        assert!(!got.contains("pat@"), "{input}: the hint must not echo credentials");
    }
}

#[test]
fn the_flavor_is_inferred_from_the_host_unless_given() {
    assert_eq!(OrganizationUrl::parse("https://dev.azure.com/c", None).unwrap().flavor(), Flavor::Services);
    assert_eq!(OrganizationUrl::parse("https://c.visualstudio.com", None).unwrap().flavor(), Flavor::Services);
    assert_eq!(OrganizationUrl::parse("http://127.0.0.1:1/c", None).unwrap().flavor(), Flavor::Server);
    assert_eq!(OrganizationUrl::parse("http://127.0.0.1:1/c", SERVICES).unwrap().flavor(), Flavor::Services);
}

#[test]
fn pat_page_and_http_flag_follow_the_canonical_url() {
    let services = OrganizationUrl::parse("https://contoso.visualstudio.com/", None).unwrap();
    assert_eq!(services.pat_page_url(), "https://dev.azure.com/contoso/_usersSettings/tokens");
    assert!(!services.is_http());
    let server = OrganizationUrl::parse("http://ado.local:8080/tfs/Coll", None).unwrap();
    assert_eq!(server.pat_page_url(), "http://ado.local:8080/tfs/Coll/_usersSettings/tokens");
    assert!(server.is_http());
}

#[test]
fn canonical_keys_ignore_case_so_one_collection_has_one_key() {
    let a = OrganizationUrl::parse("https://ado.example.com/tfs/DefaultCollection", None).unwrap();
    let b = OrganizationUrl::parse("https://ADO.example.com/TFS/defaultcollection/", None).unwrap();
    assert_ne!(a.as_str(), b.as_str());
    assert_eq!(a.canonical_key(), b.canonical_key());
    let c = OrganizationUrl::parse("https://Contoso.visualstudio.com", None).unwrap();
    let d = OrganizationUrl::parse("https://dev.azure.com/CONTOSO", None).unwrap();
    assert_eq!(c, d);
    assert_eq!(c.canonical_key(), "https://dev.azure.com/contoso");
}

#[test]
fn odd_inputs_never_panic() {
    let inputs = [
        "https://%",
        "http://[::1",
        "https://dev.azure.com/%",
        "https://ado/%e2%28%a1",
        "https://ado/%+f",
        "://",
        "https://dev.azure.com//contoso",
        "https://dev.azure.com/contoso//",
        "\u{0}",
        "https://ado/\u{7f}",
        "https://dev.azure.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ];
    for input in inputs {
        for flavor in [None, SERVICES, SERVER] {
            let _ = OrganizationUrl::parse(input, flavor);
        }
    }
}
