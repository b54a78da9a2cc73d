//! The integration documents shared by the feature modules: create, update, get, verify, unlink and
//! list, over every integration field.

pub const INTEGRATION_FIELDS: &str = "id name description labels isDefault flavor organizationUrl organization \
    accessibleProjects status personalAccessToken { hint setAt expiresAt } \
    oauthApp { tenantId issuerUrl authorizationUrl tokenUrl clientId clientSecret { hint } scopes redirectUri } \
    webhook { endpointUrl passwordSet lastDeliveryAt } personalAccessTokenUrl createdAt updatedAt \
    lastVerification { ok code message hint authenticatedAs projectCount checks { name ok code message } }";

pub fn create() -> String {
    format!(
        "mutation($i: CreateAzureDevOpsIntegrationInput!) {{ createAzureDevOpsIntegration(input: $i) {{ \
         integration {{ {INTEGRATION_FIELDS} }} webhookPassword clientMutationId \
         verification {{ ok code message hint authenticatedAs projectCount checks {{ name ok code message }} }} }} }}"
    )
}

pub fn update() -> String {
    format!(
        "mutation($i: UpdateAzureDevOpsIntegrationInput!) {{ updateAzureDevOpsIntegration(input: $i) {{ \
         integration {{ {INTEGRATION_FIELDS} }} clientMutationId verification {{ ok code hint }} }} }}"
    )
}

pub fn get() -> String {
    format!("query($id: ID!) {{ azureDevOpsIntegration(id: $id) {{ {INTEGRATION_FIELDS} }} }}")
}

pub const VERIFY: &str = "mutation($id: ID!) { verifyAzureDevOpsIntegration(input: { id: $id }) { \
    integration { status } verification { ok code message hint authenticatedAs projectCount checks { name ok code } } } }";

pub const UNLINK: &str = "mutation($id: ID!) { unlinkAzureDevOpsIntegration(input: { id: $id, clientMutationId: \"u1\" }) { \
    unlinkedId removedServiceHooks clientMutationId } }";

pub const LIST: &str = "query($labels: [String!], $status: IntegrationStatus, $first: Int, $after: String) { \
    azureDevOpsIntegrations(labels: $labels, status: $status, first: $first, after: $after) { \
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name labels status } } } }";
