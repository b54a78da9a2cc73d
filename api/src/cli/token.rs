//! `vcslink token create|list|revoke`: the ADMIN token work of GraphQL, for the operator's shell.
//! Inputs are parsed by the same rules as `createApiToken`; a tenant is only created when asked.

use clap::{Subcommand, ValueEnum};
use sea_orm::DatabaseConnection;

use crate::app;
use crate::auth::Role;
use crate::auth::token_admin::{self, TokenRequest};
use crate::config::Config;
use crate::domain::global_id;
use crate::error::ApiError;
use crate::store;
use crate::store::audit::Actor;

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create a token; its value is printed alone on the last line of stdout.
    Create {
        /// The tenant; it must exist unless --create-tenant is given.
        #[arg(long, default_value = "default")]
        tenant: String,
        /// Create the tenant when it does not exist yet (without it, a typo is an error).
        #[arg(long)]
        create_tenant: bool,
        #[arg(long, value_enum)]
        role: CliRole,
        /// The platform user the token acts for (1 to 200 printable characters).
        #[arg(long)]
        user: String,
        #[arg(long)]
        name: Option<String>,
        /// How long the token is accepted: 30d, 12h, 45m or 90s. Default: it never expires.
        #[arg(long)]
        expires_in: Option<String>,
    },
    /// List tokens (never their values): id, tenant, user, role, name, state, expiry, last use.
    List {
        /// Only this tenant's tokens (default: every tenant's).
        #[arg(long)]
        tenant: Option<String>,
    },
    /// Revoke a token by its id (the raw id or the GraphQL ID).
    Revoke { id: String },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CliRole {
    Admin,
    Member,
}

pub async fn run(config: Config, command: TokenCommand) -> Result<(), String> {
    let db = app::open_database(&config).await.map_err(|e| e.to_string())?;
    match command {
        TokenCommand::Create { tenant, create_tenant, role, user, name, expires_in } => {
            let role = match role {
                CliRole::Admin => Role::Admin,
                CliRole::Member => Role::Member,
            };
            let request = TokenRequest::parse(&user, role, name, expires_in.as_deref()).map_err(describe)?;
            create(&db, &tenant, create_tenant, request).await
        }
        TokenCommand::List { tenant } => list(&db, tenant.as_deref()).await,
        TokenCommand::Revoke { id } => revoke(&db, &config, &id).await,
    }
}

async fn create(
    db: &DatabaseConnection,
    tenant: &str,
    create_tenant: bool,
    request: TokenRequest,
) -> Result<(), String> {
    let tenant = tenant.trim();
    let t = match store::tenants::find_tenant(db, tenant).await.map_err(|e| e.to_string())? {
        Some(t) => t,
        None if create_tenant && !tenant.is_empty() => {
            store::tenants::ensure_tenant(db, tenant).await.map_err(|e| e.to_string())?
        }
        None => return Err(format!("NOT_FOUND: no tenant {tenant:?}; pass --create-tenant to create it")),
    };
    let actor = Actor { tenant_id: t.id.clone(), user: "cli".into(), token_id: None };
    let issued = token_admin::issue(db, &actor, request).await.map_err(describe)?;
    let expiry = issued.row.expires_at.map_or_else(String::new, |at| format!(", expires {}", at.to_rfc3339()));
    println!(
        "created {} token {} for {}/{}{expiry}",
        issued.row.role,
        global_id::encode(global_id::Kind::ApiToken, &issued.row.id),
        t.name,
        issued.user
    );
    use secrecy::ExposeSecret as _;
    println!("{}", issued.value.expose_secret());
    Ok(())
}

async fn list(db: &DatabaseConnection, tenant: Option<&str>) -> Result<(), String> {
    let tenant_id = match tenant {
        Some(name) => Some(
            store::tenants::find_tenant(db, name)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("NOT_FOUND: no tenant {name:?}"))?
                .id,
        ),
        None => None,
    };
    let rows = store::tokens::all(db, tenant_id.as_deref()).await.map_err(|e| e.to_string())?;
    let now = chrono::Utc::now();
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| t.map_or_else(|| "-".to_owned(), |t| t.to_rfc3339());
    println!("id\ttenant\tuser\trole\tname\tstate\texpires_at\tlast_used_at");
    for row in rows {
        let tenant = store::tenants::tenant_by_id(db, &row.tenant_id).await.map_err(|e| e.to_string())?;
        let user = store::tenants::user_by_id(db, &row.user_id).await.map_err(|e| e.to_string())?;
        let state = if row.revoked_at.is_some() {
            "revoked"
        } else if row.expires_at.is_some_and(|at| at <= now) {
            "expired"
        } else {
            "active"
        };
        println!(
            "{}\t{}\t{}\t{}\t{}\t{state}\t{}\t{}",
            global_id::encode(global_id::Kind::ApiToken, &row.id),
            tenant.map_or_else(|| "?".to_owned(), |t| t.name),
            user.map_or_else(|| "?".to_owned(), |u| u.name),
            row.role,
            row.name.as_deref().unwrap_or("-"),
            when(row.expires_at),
            when(row.last_used_at),
        );
    }
    Ok(())
}

async fn revoke(db: &DatabaseConnection, config: &Config, id: &str) -> Result<(), String> {
    let raw = match global_id::decode_any(id) {
        Some((global_id::Kind::ApiToken, raw)) => raw,
        _ => id.to_owned(),
    };
    let Some(row) = store::tokens::by_id(db, &raw).await.map_err(|e| e.to_string())? else {
        return Err(format!("NOT_FOUND: no token {id}"));
    };
    if !store::tokens::revoke(db, &row.id).await.map_err(|e| e.to_string())? {
        return Err(format!("NOT_FOUND: no active token {id} (already revoked)"));
    }
    let actor = Actor { tenant_id: row.tenant_id.clone(), user: "cli".into(), token_id: None };
    store::audit::record(db, &actor, "api_token.revoke", Some(&row.id), serde_json::json!({}))
        .await
        .map_err(|e| e.to_string())?;
    println!("revoked {id}");
    println!(
        "servers already running refuse it within {}s (their revocation check, VCSLINK_TOKEN_REVOCATION_CHECK_SECONDS; \
         at the latest when their token cache entry expires, {}s)",
        config.token_revocation_check.as_secs(),
        config.token_cache_ttl.as_secs()
    );
    Ok(())
}

/// An `ApiError` as one line for the terminal: its code, message and hint, as GraphQL would send them.
fn describe(e: ApiError) -> String {
    let code = e.code();
    let gql: async_graphql::Error = e.into();
    let ext = |key: &str| {
        gql.extensions.as_ref().and_then(|x| x.get(key)).and_then(|v| match v {
            async_graphql::Value::String(s) => Some(s.clone()),
            _ => None,
        })
    };
    let field = ext("field").map(|f| format!(" (--{})", kebab(&f))).unwrap_or_default();
    let hint = ext("hint").map(|h| format!("; hint: {h}")).unwrap_or_default();
    format!("{code}{field}: {}{hint}", gql.message)
}

/// `expiresIn` → `expires-in`: the flag that carries a GraphQL input field.
fn kebab(field: &str) -> String {
    field
        .chars()
        .flat_map(|c| if c.is_ascii_uppercase() { vec!['-', c.to_ascii_lowercase()] } else { vec![c] })
        .collect()
}
