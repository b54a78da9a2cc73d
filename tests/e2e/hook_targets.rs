//! Service hooks need a public HTTPS endpoint: vcslink refuses to install or repair hooks toward a
//! URL Azure DevOps would refuse (http://, loopback, private, special ranges), and the fake refuses
//! such targets as Azure DevOps does when the lab switch lets one through.

use serde_json::{Value, json};

use crate::support::integrations::webhook_integration;
use crate::support::{TestApp, error_code, spawn_app};

const INSTALL: &str =
    "mutation($i: InstallServiceHooksInput!) { installServiceHooks(input: $i) { serviceHooks { eventType } } }";
const REPAIR: &str = "mutation($id: ID!) { repairServiceHooks(input: { integrationId: $id }) { repaired } }";

fn hint(body: &Value) -> String {
    body["errors"][0]["extensions"]["hint"].as_str().unwrap_or_default().to_owned()
}

/// Restarts `app` with the lab switch off and `public` as its public URL.
async fn strict(app: &mut TestApp, public: &str) {
    app.config.allow_private_upstreams = false;
    app.config.public_url = Some(url::Url::parse(public).expect("url"));
    app.restart().await;
}

#[tokio::test]
async fn a_public_url_azure_devops_would_refuse_is_a_validation_error_naming_vcslink_public_url() {
    let mut app = spawn_app().await;
    let (id, _, _) = webhook_integration(&app).await;
    for public in [
        "http://hooks.example.net",
        "https://127.0.0.1:8443",
        "https://10.20.30.40",
        "https://localhost",
        "https://[::1]",
    ] {
        strict(&mut app, public).await;
        app.fake.clear_requests();
        let install = app.gql(INSTALL, json!({ "i": { "integrationId": id, "project": "Platform" } })).await;
        assert_eq!(error_code(&install), Some("VALIDATION"), "{public}: {install}");
        assert!(hint(&install).contains("VCSLINK_PUBLIC_URL"), "{public}: {install}");
        let repair = app.gql(REPAIR, json!({ "id": id })).await;
        assert_eq!(error_code(&repair), Some("VALIDATION"), "{public}: {repair}");
        assert!(hint(&repair).contains("VCSLINK_PUBLIC_URL"), "{public}: {repair}");
        assert_eq!(app.fake.request_count("hooks/subscriptions"), 0, "{public}: nothing was asked of Azure DevOps");
    }
}

#[tokio::test]
async fn with_the_lab_switch_a_loopback_target_reaches_the_fake_which_refuses_it_as_azure_devops_does() {
    // spawn_app runs with VCSLINK_ALLOW_PRIVATE_UPSTREAMS=true and a loopback http:// public URL.
    let app = spawn_app().await;
    let (id, endpoint, _) = webhook_integration(&app).await;
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
    let install = app.gql(INSTALL, json!({ "i": { "integrationId": id, "project": "Platform" } })).await;
    assert!(error_code(&install).is_some(), "the fake refused the target: {install}");
    assert!(app.fake.request_count("hooks/subscriptions") > 0, "the request reached the fake");
    assert!(app.fake.hook_subscriptions(fake_azure::DEFAULT_ORG).is_empty(), "no subscription toward loopback");
}

#[tokio::test]
async fn a_public_https_url_installs_hooks() {
    let mut app = spawn_app().await;
    let (id, _, _) = webhook_integration(&app).await;
    // Lab switch on (the fake is on loopback), public URL public: the fake accepts it.
    app.config.public_url = Some(url::Url::parse(crate::support::PUBLIC_URL).expect("url"));
    app.restart().await;
    let install = app.gql(INSTALL, json!({ "i": { "integrationId": id, "project": "Platform" } })).await;
    assert!(install.get("errors").is_none(), "{install}");
    let subs = app.fake.hook_subscriptions(fake_azure::DEFAULT_ORG);
    assert!(!subs.is_empty());
    assert!(
        subs.iter()
            .all(|s| s["consumerInputs"]["url"].as_str().is_some_and(|u| u.starts_with(crate::support::PUBLIC_URL)))
    );
}
