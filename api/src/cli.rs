//! The command line: `serve` (default), `migrate`, `token create|revoke`, `rotate-key`, `print-schema`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use sea_orm::TransactionTrait;

use crate::app::{self, App};
use crate::auth::{Role, api_token};
use crate::config::Config;
use crate::crypto::{KeyFile, MasterKey};
use crate::domain::global_id;
use crate::{graphql, store, telemetry};

#[derive(Parser)]
#[command(name = "vcslink", version, about = "GraphQL API server connecting a platform to Azure DevOps")]
pub struct Cli {
    /// Configuration file (same keys as the VCSLINK_* variables, lower case without the prefix;
    /// the environment wins). Default: ./vcslink.toml when present.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve GraphQL, webhooks and the OAuth callback (the default).
    Serve,
    /// Run pending database migrations and exit.
    Migrate,
    /// Create or revoke API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Re-seal every secret under a new master key (the old one from VCSLINK_MASTER_KEY_OLD or the key file).
    RotateKey,
    /// Print the effective configuration, secrets masked.
    CheckConfig,
    /// Print a generated docs table: `config`, `troubleshooting` or `errors`.
    PrintDocs { table: String },
    /// Write the GraphQL SDL (to stdout, or --output); --check fails when the file differs.
    PrintSchema {
        #[arg(long)]
        output: Option<PathBuf>,
        #[arg(long)]
        check: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token; its value is printed alone on the last line of stdout.
    Create {
        #[arg(long, default_value = "default")]
        tenant: String,
        #[arg(long, value_enum)]
        role: CliRole,
        #[arg(long)]
        user: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// Revoke a token by its id (the raw id or the GraphQL ID).
    Revoke { id: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum CliRole {
    Admin,
    Member,
}

/// Parses the command line and runs it.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    let file = cli.config.clone().unwrap_or_else(|| PathBuf::from("vcslink.toml"));
    if let Err(e) = crate::config::file::load(&file, cli.config.is_some()) {
        eprintln!("configuration error: {e}");
        return ExitCode::from(2);
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config.log, config.log_json);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => migrate(config).await,
        Command::Token { command: TokenCommand::Create { tenant, role, user, name } } => {
            token_create(config, tenant, role, user, name).await
        }
        Command::Token { command: TokenCommand::Revoke { id } } => token_revoke(config, id).await,
        Command::RotateKey => rotate_key(config).await,
        Command::PrintSchema { output, check } => print_schema(output, check),
        Command::CheckConfig => {
            print!("{}", crate::docs::effective_config(&config));
            Ok(())
        }
        Command::PrintDocs { table } => match crate::docs::table(&table) {
            Some(text) => {
                print!("{text}");
                Ok(())
            }
            None => Err(format!("unknown table {table:?}: use config, troubleshooting or errors")),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let app = App::build(config).await.map_err(|e| e.to_string())?;
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

async fn migrate(config: Config) -> Result<(), String> {
    app::open_database(&config).await.map_err(|e| e.to_string())?;
    println!("migrations applied");
    Ok(())
}

async fn token_create(
    config: Config,
    tenant: String,
    role: CliRole,
    user: String,
    name: Option<String>,
) -> Result<(), String> {
    let db = app::open_database(&config).await.map_err(|e| e.to_string())?;
    let role = match role {
        CliRole::Admin => Role::Admin,
        CliRole::Member => Role::Member,
    };
    let value = api_token::new_token_value();
    let txn = db.begin().await.map_err(|e| e.to_string())?;
    let t = store::tenants::ensure_tenant(&txn, &tenant).await.map_err(|e| e.to_string())?;
    let u = store::tenants::ensure_user(&txn, &t.id, &user).await.map_err(|e| e.to_string())?;
    let row = api_token::issue(&txn, &t.id, &u.id, role, name, &value).await.map_err(|e| e.to_string())?;
    let actor = store::audit::Actor { tenant_id: t.id.clone(), user: "cli".into(), token_id: None };
    let details = serde_json::json!({ "user": user, "role": role.as_str() });
    store::audit::record(&txn, &actor, "api_token.create", Some(&row.id), details).await.map_err(|e| e.to_string())?;
    txn.commit().await.map_err(|e| e.to_string())?;
    println!(
        "created {} token {} for {tenant}/{user}",
        role.as_str(),
        global_id::encode(global_id::Kind::ApiToken, &row.id)
    );
    println!("{value}");
    Ok(())
}

async fn token_revoke(config: Config, id: String) -> Result<(), String> {
    let db = app::open_database(&config).await.map_err(|e| e.to_string())?;
    let raw = match global_id::decode_any(&id) {
        Some((global_id::Kind::ApiToken, raw)) => raw,
        _ => id.clone(),
    };
    if store::tokens::revoke(&db, &raw).await.map_err(|e| e.to_string())? {
        println!("revoked {id}");
        Ok(())
    } else {
        Err(format!("no active token {id}"))
    }
}

/// With `VCSLINK_MASTER_KEY` set, re-seals under it (old key from `VCSLINK_MASTER_KEY_OLD`). Without,
/// generates a new key: the key file first holds new and old key, then every blob is re-sealed in one
/// transaction, then the old key is dropped from the file. A failure at any step leaves every secret
/// readable.
async fn rotate_key(config: Config) -> Result<(), String> {
    let db = app::open_database(&config).await.map_err(|e| e.to_string())?;
    if config.master_key.is_some() {
        let keyring = app::load_keyring(&config).map_err(|e| e.to_string())?;
        let n = store::rotate::reseal_all(&db, &keyring).await.map_err(|e| e.to_string())?;
        println!("re-sealed {n} secrets under key {}", keyring.current().key_id_hex());
        return Ok(());
    }
    let file = KeyFile::new(config.key_file());
    let old = file.load().map_err(|e| e.to_string())?;
    let new_key = MasterKey::generate();
    let mut keys: Vec<&MasterKey> = vec![&new_key];
    keys.extend(old.keys());
    file.write_atomic(&keys).map_err(|e| e.to_string())?;
    let keyring = old.rotated(new_key.clone());
    let n = match store::rotate::reseal_all(&db, &keyring).await {
        Ok(n) => n,
        Err(e) => {
            // Nothing was written (one transaction): put the old key file back as it was.
            file.write_atomic(&old.keys()).map_err(|w| format!("{e}; restoring the key file also failed: {w}"))?;
            return Err(format!("{e}; nothing was changed, every secret stays sealed under the old key"));
        }
    };
    file.write_atomic(&[&new_key]).map_err(|e| e.to_string())?;
    println!("re-sealed {n} secrets under new key {}", new_key.key_id_hex());
    Ok(())
}

fn print_schema(output: Option<PathBuf>, check: bool) -> Result<(), String> {
    let sdl = graphql::sdl();
    match (output, check) {
        (Some(path), true) => {
            let current = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            if current == sdl {
                Ok(())
            } else {
                Err(format!("{} is stale: run `vcslink print-schema --output {}`", path.display(), path.display()))
            }
        }
        (Some(path), false) => std::fs::write(&path, sdl).map_err(|e| format!("{}: {e}", path.display())),
        (None, _) => {
            print!("{sdl}");
            Ok(())
        }
    }
}
