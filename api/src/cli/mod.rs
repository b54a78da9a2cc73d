//! The command line: `serve` (default), `migrate`, `token create|revoke`, `rotate-key`, `print-schema`,
//! `check-config`, `healthcheck`. The `token` verbs are in [`token`].

use std::path::PathBuf;
use std::process::ExitCode;

mod token;

use clap::{Parser, Subcommand};

use crate::app::{self, App};
use crate::config::Config;
use crate::{graphql, telemetry};
use token::TokenCommand;

/// The SDL file `print-schema --check` compares against when no `--output` is given.
const DEFAULT_SCHEMA_FILE: &str = "schema.graphql";

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
    /// Create, list or revoke API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Re-seal every secret under a new master key (from VCSLINK_MASTER_KEY, or a new one added to
    /// the key file), keeping the previous key; `--finish` drops the previous key once no secret names it.
    RotateKey {
        /// Re-seal what still names a previous key, then drop the previous keys if none does.
        #[arg(long)]
        finish: bool,
    },
    /// Print the effective configuration, secrets masked; exit 1 naming what `serve` would refuse.
    CheckConfig,
    /// Exit 0 when `GET /healthz` on the listen address answers 200 (127.0.0.1 for a wildcard bind), else 1.
    Healthcheck,
    /// Print a generated docs table: `config`, `troubleshooting`, `errors`, `cli`, `env`,
    /// `verification-codes` or `pat-scopes`.
    PrintDocs { table: String },
    /// Write the GraphQL SDL (to stdout, or --output); --check fails when the file (--output, else
    /// ./schema.graphql) differs.
    PrintSchema {
        #[arg(long)]
        output: Option<PathBuf>,
        /// Compare instead of writing: exit 1 when the file is stale.
        #[arg(long)]
        check: bool,
    },
}

/// The command line as clap describes it (for the generated CLI table).
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
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
    // Only the server exports traces; the other verbs are short-lived and make no spans worth it.
    let serving = matches!(cli.command, None | Some(Command::Serve));
    let telemetry = telemetry::init(&config.log, config.log_json, config.traces.as_ref().filter(|_| serving));
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => migrate(config).await,
        Command::Token { command } => token::run(config, command).await,
        Command::RotateKey { finish: false } => crate::rotation::rotate(&config).await.map(|done| println!("{done}")),
        Command::RotateKey { finish: true } => crate::rotation::finish(&config).await.map(|done| println!("{done}")),
        Command::PrintSchema { output, check } => print_schema(output, check),
        Command::CheckConfig => check_config(&config),
        Command::Healthcheck => crate::healthcheck::check(config.listen).await,
        Command::PrintDocs { table } if table == "cli" => {
            print!("{}", crate::docs::cli_verbs::table(&command()));
            Ok(())
        }
        Command::PrintDocs { table } => match crate::docs::table(&table) {
            Some(text) => {
                print!("{text}");
                Ok(())
            }
            None => Err(format!("unknown table {table:?}: use one of {}", crate::docs::TABLES.join(", "))),
        },
    };
    // After the graceful shutdown: the spans of the last requests are sent before the process ends.
    telemetry.shutdown().await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the effective configuration, then fails naming everything `serve` would refuse.
fn check_config(config: &Config) -> Result<(), String> {
    print!("{}", crate::docs::effective_config(config));
    crate::config::validate::check(config)?;
    let public = config.public_url_for(config.listen);
    if let Some(warning) = crate::config::public_url::warning(&public, config.listen, config.public_url.is_some()) {
        eprintln!("warning: {warning}");
    }
    Ok(())
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

fn print_schema(output: Option<PathBuf>, check: bool) -> Result<(), String> {
    let sdl = graphql::sdl();
    match (output, check) {
        (path, true) => {
            // `--check` alone checks the repository's copy: checking nothing and passing would hide drift.
            let path = path.unwrap_or_else(|| PathBuf::from(DEFAULT_SCHEMA_FILE));
            let current = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            if current == sdl {
                println!("{} is up to date", path.display());
                Ok(())
            } else {
                Err(format!("{} is stale: run `vcslink print-schema --output {}`", path.display(), path.display()))
            }
        }
        (Some(path), false) => std::fs::write(&path, sdl).map_err(|e| format!("{}: {e}", path.display())),
        (None, false) => {
            print!("{sdl}");
            Ok(())
        }
    }
}
