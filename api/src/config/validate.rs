//! What `serve` refuses to start with, checked before anything touches the database; `check-config`
//! runs the same checks, so an operator learns every problem at once.

use secrecy::ExposeSecret as _;

use super::{Config, ConfigError};
use crate::crypto::{KeyFile, MasterKey};

/// Every problem of `config` (empty when it may serve): the master key's form, the database URL's
/// scheme, the public URL's shape. The key file is only read when it exists (`serve` creates it).
pub fn problems(config: &Config) -> Vec<ConfigError> {
    let mut out = Vec::new();
    for (var, value) in [("VCSLINK_MASTER_KEY", &config.master_key), ("VCSLINK_MASTER_KEY_OLD", &config.master_key_old)]
    {
        if let Some(v) = value
            && MasterKey::from_base64(v.expose_secret()).is_err()
        {
            out.push(ConfigError {
                var,
                message: "expected base64 of 32 bytes (generate one with `openssl rand -base64 32`)".into(),
            });
        }
    }
    if config.master_key.is_none()
        && config.key_file().exists()
        && let Err(e) = KeyFile::new(config.key_file()).load()
    {
        out.push(ConfigError { var: "VCSLINK_DATA_DIR", message: e.to_string() });
    }
    let scheme = config.database_url.split(':').next().unwrap_or_default();
    if !matches!(scheme, "sqlite" | "postgres" | "postgresql") {
        out.push(ConfigError {
            var: "VCSLINK_DATABASE_URL",
            message: format!(
                "unsupported scheme {scheme:?}: expected sqlite://PATH?mode=rwc or postgres://USER@HOST/DB"
            ),
        });
    }
    if let Some(url) = &config.public_url {
        let problem = if url.host_str().is_none_or(str::is_empty) {
            Some("has no host")
        } else if url.query().is_some() || url.fragment().is_some() {
            Some("must not have a query or fragment: it is a base that paths are appended to")
        } else if !url.username().is_empty() || url.password().is_some() {
            Some("must not carry credentials")
        } else {
            None
        };
        if let Some(problem) = problem {
            out.push(ConfigError { var: "VCSLINK_PUBLIC_URL", message: format!("{url} {problem}") });
        }
    }
    out
}

/// `Err` naming every problem, one per line.
pub fn check(config: &Config) -> Result<(), String> {
    let problems = problems(config);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::with_data_dir(std::path::PathBuf::from("/nonexistent/vcslink-test"))
    }

    #[test]
    fn the_defaults_pass() {
        assert!(problems(&config()).is_empty());
    }

    #[test]
    fn a_short_master_key_a_mysql_url_and_a_public_url_with_a_query_are_each_named() {
        let mut c = config();
        c.master_key = Some("dG9vIHNob3J0".to_owned().into());
        c.database_url = "mysql://db/vcslink".into();
        c.public_url = Some(url::Url::parse("https://vcslink.example.com/?x=1").unwrap());
        let vars: Vec<_> = problems(&c).iter().map(|p| p.var).collect();
        assert_eq!(vars, ["VCSLINK_MASTER_KEY", "VCSLINK_DATABASE_URL", "VCSLINK_PUBLIC_URL"]);
    }

    #[test]
    fn postgres_urls_and_a_valid_key_pass() {
        let mut c = config();
        c.master_key = Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned().into());
        c.database_url = "postgresql://app@db/vcslink".into();
        assert!(problems(&c).is_empty());
    }
}
