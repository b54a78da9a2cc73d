//! The organization's resource tenant in anonymous answers, Microsoft-account organizations, the
//! Entra refusals of users' grants tests can ask for, and AADSTS50194 for `/common`.

use fake_azure::{ADO_RESOURCE_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT, FakeAzure, User};
use serde_json::Value;

use crate::support::{body, client, header};

async fn token(fake: &FakeAzure, tenant: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let r = client()
        .post(format!("{}/{tenant}/oauth2/v2.0/token", fake.entra_authority()))
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), body(r).await)
}

#[tokio::test]
async fn an_anonymous_head_or_get_of_the_organization_names_its_resource_tenant() {
    let fake = FakeAzure::start().await;
    let base = fake.base_url();
    for method in [reqwest::Method::HEAD, reqwest::Method::GET] {
        let r = client().request(method.clone(), format!("{base}/contoso")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401, "{method}: the challenge, not the sign-in page");
        let challenge = header(&r, "www-authenticate").unwrap();
        assert!(
            challenge.starts_with(&format!("Bearer authorization_uri={base}/{DEFAULT_TENANT}, Basic realm=")),
            "{challenge}"
        );
        assert!(challenge.ends_with("TFS-Federated"), "{challenge}");
        assert_eq!(header(&r, "x-vss-resourcetenant").unwrap(), DEFAULT_TENANT);
        assert!(header(&r, "x-tfs-serviceerror").unwrap().starts_with("TF400813"));
        if method == reqwest::Method::GET {
            assert_eq!(body(r).await["typeKey"], "UnauthorizedRequestException");
        }
    }
}

#[tokio::test]
async fn a_microsoft_account_organization_has_an_all_zero_resource_tenant() {
    let fake = FakeAzure::start().await;
    fake.set_org_backed_by_microsoft_accounts("contoso");
    let r = client().head(format!("{}/contoso", fake.base_url())).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(header(&r, "x-vss-resourcetenant").unwrap(), "00000000-0000-0000-0000-000000000000");
    let challenge = header(&r, "www-authenticate").unwrap();
    assert!(challenge.starts_with("Bearer, Basic realm="), "no Entra authority to name: {challenge}");
    // No Entra tenant's token opens it.
    let at = fake.issue_access_token(User::dana(), &["vso.code"]);
    let r = client().get(format!("{}/contoso/_apis/projects", fake.base_url())).bearer_auth(at).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

/// A refresh grant of the default app (its token unknown unless a fault answers first).
async fn refresh_answer(fake: &FakeAzure) -> (u16, Value) {
    token(
        fake,
        DEFAULT_TENANT,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", DEFAULT_CLIENT_SECRET),
            ("refresh_token", "1.AXoA-any"),
        ],
    )
    .await
}

#[tokio::test]
async fn user_grant_faults_answer_with_the_documented_error_shape() {
    use fake_azure::EntraFault as F;
    let fake = FakeAzure::start().await;
    for (fault, status, error, code) in [
        (F::MfaRequired, 400, "interaction_required", 50076),
        (F::ConsentRequired, 400, "consent_required", 65001),
        (F::SignInFrequency, 400, "invalid_grant", 70043),
        (F::RefreshTokenIdle, 400, "invalid_grant", 700082),
        (F::GrantRevoked, 400, "invalid_grant", 50173),
        (F::ConditionalAccessBlocked, 400, "invalid_grant", 53003),
        (F::TemporarilyUnavailable, 503, "temporarily_unavailable", 50033),
    ] {
        fake.set_user_grant_fault(Some(fault));
        let (s, b) = refresh_answer(&fake).await;
        assert_eq!((s, b["error"].as_str()), (status, Some(error)), "{fault:?}: {b}");
        assert_eq!(b["error_codes"], serde_json::json!([code]), "{fault:?}");
        let d = b["error_description"].as_str().unwrap();
        assert!(d.starts_with(&format!("AADSTS{code}: ")), "{d}");
        assert!(d.contains("\r\nTrace ID: ") && d.contains("\r\nCorrelation ID: ") && d.contains("\r\nTimestamp: "));
        for field in ["timestamp", "trace_id", "correlation_id"] {
            assert!(b[field].is_string(), "{fault:?}: {field}");
        }
        assert!(b["error_uri"].as_str().unwrap().ends_with(&format!("/error?code={code}")));
    }
    // Client credentials are not a user grant.
    let scope = format!("{ADO_RESOURCE_ID}/.default");
    let (s, _) = token(
        &fake,
        DEFAULT_TENANT,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", DEFAULT_CLIENT_SECRET),
            ("scope", &scope),
        ],
    )
    .await;
    assert_eq!(s, 200);
    fake.set_user_grant_fault(None);
    let (s, b) = refresh_answer(&fake).await;
    assert_eq!((s, b["error_codes"][0].as_i64()), (400, Some(70008)), "an unknown refresh token again: {b}");
}

#[tokio::test]
async fn common_and_organizations_refuse_a_single_tenant_app_with_aadsts50194() {
    let fake = FakeAzure::start().await;
    for alias in ["common", "organizations"] {
        let (status, b) = token(
            &fake,
            alias,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", DEFAULT_CLIENT_ID),
                ("client_secret", DEFAULT_CLIENT_SECRET),
                ("refresh_token", "1.AXoA-any"),
            ],
        )
        .await;
        assert_eq!((status, b["error"].as_str()), (400, Some("invalid_request")), "{b}");
        assert_eq!(b["error_codes"][0], 50194);
        assert!(b["error_description"].as_str().unwrap().contains("is not configured as a multi-tenant application"));
        let r = client()
            .get(format!("{}/{alias}/oauth2/v2.0/authorize", fake.base_url()))
            .query(&[
                ("client_id", DEFAULT_CLIENT_ID),
                ("response_type", "code"),
                ("redirect_uri", "http://127.0.0.1:9/cb"),
                ("state", "s1"),
            ])
            .send()
            .await
            .unwrap();
        let location = header(&r, "location").unwrap();
        assert!(location.starts_with("http://127.0.0.1:9/cb?error=invalid_request&"), "{location}");
        assert!(location.contains("AADSTS50194"), "{location}");
    }
}
