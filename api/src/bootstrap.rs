//! First start: the `default` tenant, its `admin` user and a first ADMIN token, printed once.

use std::io::Write;

use sea_orm::{DatabaseConnection, TransactionTrait};
use secrecy::ExposeSecret;

use crate::auth::{Role, api_token};
use crate::config::Config;
use crate::store;

pub const DEFAULT_TENANT: &str = "default";
pub const DEFAULT_ADMIN: &str = "admin";

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("token: {0}")]
    Token(#[from] api_token::TokenError),
    #[error("writing {path}: {source}")]
    Write { path: String, source: std::io::Error },
}

/// Creates the first admin token when the database has no tenant yet. Returns the token when created.
pub async fn first_admin(db: &DatabaseConnection, config: &Config) -> Result<Option<String>, BootstrapError> {
    if store::tenants::any_tenant(db).await? {
        return Ok(None);
    }
    let value = match &config.bootstrap_token {
        Some(t) => t.expose_secret().to_owned(),
        None => api_token::new_token_value(),
    };
    let txn = db.begin().await?;
    let tenant = store::tenants::ensure_tenant(&txn, DEFAULT_TENANT).await?;
    let user = store::tenants::ensure_user(&txn, &tenant.id, DEFAULT_ADMIN).await?;
    api_token::issue(&txn, &tenant.id, &user.id, Role::Admin, Some("bootstrap".into()), &value).await?;
    txn.commit().await?;
    if config.bootstrap_token.is_none() {
        let path = config.admin_token_file();
        write_private(&path, &value)
            .map_err(|source| BootstrapError::Write { path: path.display().to_string(), source })?;
        // Printed once, on purpose: this is the only way an operator learns the first token.
        println!(
            "First admin API token (tenant {DEFAULT_TENANT}, user {DEFAULT_ADMIN}), also written to {}:",
            path.display()
        );
        println!("{value}");
    }
    tracing::info!(tenant = DEFAULT_TENANT, user = DEFAULT_ADMIN, "created the first admin token");
    Ok(Some(value))
}

/// Writes `content` to a new file readable by its owner only.
pub fn write_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    writeln!(f, "{content}")?;
    f.sync_all()
}
