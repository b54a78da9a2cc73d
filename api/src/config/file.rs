//! `vcslink.toml`: the same keys as the environment (without `VCSLINK_`, lower case); env wins.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use crate::config::ConfigError;
use crate::config::keys::KEYS;

static FILE_VALUES: OnceLock<HashMap<String, String>> = OnceLock::new();

/// Reads `path` (when it exists; an explicit `--config` must exist) into the values consulted under
/// the environment. Call once, before `Config::from_env`.
pub fn load(path: &Path, required: bool) -> Result<(), ConfigError> {
    let err = |message: String| ConfigError { var: "--config", message };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return Ok(()),
        Err(e) => return Err(err(format!("{}: {e}", path.display()))),
    };
    let table: toml::Table = toml::from_str(&text).map_err(|e| err(format!("{}: {e}", path.display())))?;
    let mut values = HashMap::new();
    for (k, v) in table {
        let Some(key) = KEYS.iter().find(|key| key.toml_key().as_deref() == Some(k.as_str())) else {
            if KEYS.iter().any(|key| key.env.eq_ignore_ascii_case(&k)) {
                return Err(err(format!("{}: {k} is read from the environment only", path.display())));
            }
            return Err(err(format!("{}: unknown key {k:?}", path.display())));
        };
        let text = match v {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            toml::Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned).unwrap_or_else(|| format!("{i:?}")))
                .collect::<Vec<_>>()
                .join(","),
            other => return Err(err(format!("{}: {k} has an unsupported value {other:?}", path.display()))),
        };
        values.insert(key.env.to_owned(), text);
    }
    let _ = FILE_VALUES.set(values);
    Ok(())
}

/// The file's value for an environment variable name, if the file set it.
pub fn value(env: &str) -> Option<String> {
    FILE_VALUES.get()?.get(env).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_environment_only_key_is_refused_naming_why() {
        let path = std::env::temp_dir().join(format!("vcslink-otel-{}.toml", uuid::Uuid::new_v4()));
        std::fs::write(&path, "otel_exporter_otlp_endpoint = \"http://collector:4318\"\n").expect("write");
        let e = load(&path, true).expect_err("refused");
        let _ = std::fs::remove_file(&path);
        assert!(e.message.contains("environment only"), "{}", e.message);
    }
}
