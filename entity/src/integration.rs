//! An Azure DevOps integration. Secret columns (`*_sealed`) hold XChaCha20-Poly1305 blobs
//! whose associated data names this table, the column and the row id.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "integrations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    /// Lower-cased name: names are unique per tenant regardless of case.
    pub name_key: String,
    pub description: Option<String>,
    /// JSON array of strings.
    pub labels: String,
    pub is_default: bool,
    pub flavor: String,
    pub organization_url: String,
    pub organization: String,
    /// JSON array of project names, or NULL for every project.
    pub accessible_projects: Option<String>,
    pub pat_sealed: Option<Vec<u8>>,
    pub pat_hint: Option<String>,
    pub pat_set_at: Option<DateTimeUtc>,
    pub pat_expires_at: Option<DateTimeUtc>,
    pub oauth_tenant_id: Option<String>,
    pub oauth_issuer_url: Option<String>,
    pub oauth_authorization_url: Option<String>,
    pub oauth_token_url: Option<String>,
    pub oauth_client_id: Option<String>,
    pub oauth_client_secret_sealed: Option<Vec<u8>>,
    pub oauth_client_secret_hint: Option<String>,
    pub oauth_client_secret_set_at: Option<DateTimeUtc>,
    /// JSON array of scopes.
    pub oauth_scopes: Option<String>,
    pub webhook_password_sealed: Vec<u8>,
    pub webhook_password_set_at: DateTimeUtc,
    pub last_delivery_at: Option<DateTimeUtc>,
    /// `UNVERIFIED`, `HEALTHY` or `FAILING`.
    pub status: String,
    /// JSON of the last verification result.
    pub last_verification: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// How users may connect: `OAUTH`, `PERSONAL_ACCESS_TOKEN`, comma-separated; NULL: every way
    /// the integration can offer.
    pub user_authorization_methods: Option<String>,
    /// The app identity's tenant: the one given, else the organization's resource tenant.
    pub app_tenant_id: Option<String>,
    /// The app identity's application (client) id; NULL: the integration has no app identity.
    pub app_client_id: Option<String>,
    /// How it proves itself (`client_secret`, `certificate`).
    pub app_proof: Option<String>,
    pub app_secret_sealed: Option<Vec<u8>>,
    pub app_secret_hint: Option<String>,
    pub app_secret_set_at: Option<DateTimeUtc>,
    /// A certificate proof: the certificate (public, PEM), its `x5t#S256` and `notAfter`; the
    /// private key is sealed in `app_secret_sealed`.
    pub app_certificate_pem: Option<String>,
    pub app_certificate_thumbprint: Option<String>,
    pub app_certificate_expires_at: Option<DateTimeUtc>,
    /// Which own credential acts: `PAT` or `APP_IDENTITY` (set by a migration between them);
    /// NULL: the app identity when there is one, else the PAT.
    pub acting_credential: Option<String>,
    /// How many times each secret changed (1 for the first; a provider's `_wo_version`).
    pub pat_version: i32,
    pub oauth_client_secret_version: i32,
    /// The app identity's client secret or certificate.
    pub app_secret_version: i32,
    pub webhook_password_version: i32,
    /// Deliveries the retention purge removed (their rows and payloads are gone).
    pub purged_deliveries: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
