//! Property tests: organization-URL parsing never panics, and canonical forms are fixed points.

use proptest::prelude::*;

use super::flavor::Flavor;
use super::organization_url::OrganizationUrl;

fn flavor() -> impl Strategy<Value = Option<Flavor>> {
    prop_oneof![Just(None), Just(Some(Flavor::Services)), Just(Some(Flavor::Server))]
}

proptest! {
    #[test]
    fn any_input_parses_or_is_refused_without_panicking(input in ".{0,200}", f in flavor()) {
        let _ = OrganizationUrl::parse(&input, f);
    }

    #[test]
    fn url_shaped_inputs_never_panic(
        scheme in prop_oneof![Just("https"), Just("http"), Just("ftp"), Just("")],
        host in "[a-zA-Z0-9.:@\\[\\]-]{0,40}",
        path in "(/[a-zA-Z0-9 _%.~-]{0,20}){0,5}/?",
        tail in prop_oneof![Just(""), Just("?a=b"), Just("#x")],
        f in flavor(),
    ) {
        let _ = OrganizationUrl::parse(&format!("{scheme}://{host}{path}{tail}"), f);
    }

    #[test]
    fn a_canonical_url_parses_to_itself(
        org in "[a-zA-Z0-9][a-zA-Z0-9-]{0,20}",
        legacy in any::<bool>(),
        trailing in any::<bool>(),
    ) {
        let raw = if legacy { format!("https://{org}.visualstudio.com") } else { format!("https://dev.azure.com/{org}") };
        let raw = if trailing { format!("{raw}/") } else { raw };
        if let Ok(parsed) = OrganizationUrl::parse(&raw, None) {
            let again = OrganizationUrl::parse(parsed.as_str(), Some(parsed.flavor()));
            prop_assert!(again.is_ok());
            let again = again.unwrap();
            prop_assert_eq!(again.as_str(), parsed.as_str());
            prop_assert_eq!(again.organization(), parsed.organization());
        }
    }

    #[test]
    fn server_urls_round_trip(
        // No `--` run: a label such as `xn--` is an (invalid) IDNA A-label, not a plain name.
        host in "[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,4}){0,2}\\.(example|corp)\\.(com|net)",
        port in proptest::option::of(1u16..65535),
        tfs in any::<bool>(),
        collection in "[A-Za-z][A-Za-z0-9]{0,15}",
    ) {
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        let tfs = if tfs { "/tfs" } else { "" };
        let raw = format!("https://{host}{port}{tfs}/{collection}");
        let parsed = OrganizationUrl::parse(&raw, None);
        prop_assert!(parsed.is_ok(), "{raw}: {parsed:?}");
        let parsed = parsed.unwrap();
        prop_assert_eq!(parsed.flavor(), Flavor::Server);
        let again = OrganizationUrl::parse(parsed.as_str(), None).unwrap();
        prop_assert_eq!(again.as_str(), parsed.as_str());
    }
}
