//! First start: the `default` tenant, its `admin` user and a first ADMIN token, printed once.

use sea_orm::DatabaseConnection;
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
    let txn = crate::store::begin_write(db).await?;
    let tenant = store::tenants::ensure_tenant(&txn, DEFAULT_TENANT).await?;
    let user = store::tenants::ensure_user(&txn, &tenant.id, DEFAULT_ADMIN).await?;
    api_token::issue(&txn, &tenant.id, &user.id, Role::Admin, Some("bootstrap".into()), None, &value).await?;
    txn.commit().await?;
    if config.bootstrap_token.is_none() {
        let path = config.admin_token_file();
        crate::private_files::replace_private_text(&path, &value)
            .map_err(|source| BootstrapError::Write { path: path.display().to_string(), source })?;
        show_once(config, &path, &value);
    }
    tracing::info!(tenant = DEFAULT_TENANT, user = DEFAULT_ADMIN, "created the first admin token");
    Ok(Some(value))
}

/// Shows the first token once, on purpose: this is how an operator learns it. On a terminal it is
/// printed; with JSON logs stdout is a log pipeline, so the token goes only to the controlling
/// terminal when there is one, and the log names the file, never the token.
fn show_once(config: &Config, path: &std::path::Path, value: &str) {
    use std::io::{IsTerminal as _, Write as _};
    let text = format!(
        "First admin API token (tenant {DEFAULT_TENANT}, user {DEFAULT_ADMIN}), also written to {}:\n{value}\n",
        path.display()
    );
    if std::io::stdout().is_terminal() || !config.log_json {
        print!("{text}");
        return;
    }
    let on_tty =
        std::fs::OpenOptions::new().write(true).open("/dev/tty").and_then(|mut tty| tty.write_all(text.as_bytes()));
    tracing::info!(path = %path.display(), shown_on_terminal = on_tty.is_ok(), "the first admin token is in the token file");
}
