//! The master key file (one base64 key a line, current first) and the choice between it and env vars.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read as _, Write as _};
use std::path::{Path, PathBuf};

use rand::RngCore as _;
use rand::rngs::OsRng;
use secrecy::ExposeSecret as _;
use zeroize::Zeroizing;

use super::keyring::Keyring;
use super::master_key::{KeyError, MasterKey};

/// Where the keyring came from, for the start-up log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// `VCSLINK_MASTER_KEY` (and maybe `VCSLINK_MASTER_KEY_OLD`); the key file was not touched.
    Env,
    /// The key file; `created` when this start wrote a fresh key to it.
    File { created: bool },
}

/// The keyring from env values when `env_key` is set, else from `key_file` (created when absent).
/// `env_old` adds a previous key, so a rotation done through env vars keeps old blobs readable;
/// it is ignored (with a warning) without `env_key`, because the file then lists its own previous keys.
pub fn keyring_from_sources(
    env_key: Option<&str>,
    env_old: Option<&str>,
    key_file: &Path,
) -> Result<(Keyring, KeySource), KeyError> {
    let Some(env_key) = env_key else {
        if env_old.is_some() {
            tracing::warn!("VCSLINK_MASTER_KEY_OLD is ignored without VCSLINK_MASTER_KEY; using the key file");
        }
        let (keyring, created) = KeyFile::new(key_file).load_or_create()?;
        return Ok((keyring, KeySource::File { created }));
    };
    let current = MasterKey::from_base64(env_key).map_err(|_| KeyError::MalformedEnv { var: "VCSLINK_MASTER_KEY" })?;
    let previous = match env_old {
        Some(old) => {
            vec![MasterKey::from_base64(old).map_err(|_| KeyError::MalformedEnv { var: "VCSLINK_MASTER_KEY_OLD" })?]
        }
        None => Vec::new(),
    };
    Ok((Keyring::new(current, previous), KeySource::Env))
}

/// A key file at a path: text, one base64 key a line; the first line is the current key, the
/// others previous keys kept while a rotation is in progress. Blank lines and `#` comments are skipped.
#[derive(Debug, Clone)]
pub struct KeyFile {
    path: PathBuf,
}

impl KeyFile {
    /// The key file at `path` (nothing is read yet).
    pub fn new(path: impl Into<PathBuf>) -> KeyFile {
        KeyFile { path: path.into() }
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the keyring; warns when group or others may read the file.
    pub fn load(&self) -> Result<Keyring, KeyError> {
        let mut file = File::open(&self.path).map_err(|e| self.io("read", e))?;
        warn_if_readable_by_others(&file, &self.path);
        // Sized up front so the buffer never reallocates and leaves unwiped copies of keys behind.
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let capacity = usize::try_from(size).unwrap_or(0).saturating_add(1);
        let mut text = Zeroizing::new(String::with_capacity(capacity));
        file.read_to_string(&mut text).map_err(|e| self.io("read", e))?;
        self.parse(&text)
    }

    /// Reads the keyring, or creates the file (mode 0600, parent directories 0700) with a fresh
    /// key when it does not exist. Returns whether it was created.
    pub fn load_or_create(&self) -> Result<(Keyring, bool), KeyError> {
        match self.load() {
            Ok(keyring) => return Ok((keyring, false)),
            Err(KeyError::Io { source, .. }) if source.kind() == ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }
        if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_private_dir(parent).map_err(|e| self.io("create the directory of", e))?;
        }
        let key = MasterKey::generate();
        let mut file = match new_private_file(&self.path) {
            Ok(file) => file,
            // Another replica or process won the race: use its key, never overwrite it.
            Err(e) if e.kind() == ErrorKind::AlreadyExists => return Ok((self.load()?, false)),
            Err(e) => return Err(self.io("create", e)),
        };
        write_keys(&mut file, &[&key]).map_err(|e| self.io("write", e))?;
        sync_parent(&self.path).map_err(|e| self.io("sync the directory of", e))?;
        tracing::info!(path = %self.path.display(), key_id = %key.key_id_hex(), "created master key file");
        Ok((Keyring::new(key, Vec::new()), true))
    }

    /// Replaces the file with `keys` (current first) atomically: a 0600 temp file in the same
    /// directory, fsync, rename, fsync of the directory. A crash leaves the old or the new file.
    pub fn write_atomic(&self, keys: &[&MasterKey]) -> Result<(), KeyError> {
        let dir = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let file_name = self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = dir.join(format!(".{file_name}.tmp-{:016x}", OsRng.next_u64()));
        let result = (|| {
            let mut file = new_private_file(&temp)?;
            write_keys(&mut file, keys)?;
            fs::rename(&temp, &self.path)?;
            sync_parent(&self.path)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result.map_err(|e| self.io("replace", e))
    }

    fn parse(&self, text: &str) -> Result<Keyring, KeyError> {
        let mut keys = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let key = MasterKey::from_base64(line)
                .map_err(|_| KeyError::MalformedLine { path: self.path.clone(), line: index + 1 })?;
            keys.push(key);
        }
        let mut keys = keys.into_iter();
        let current = keys.next().ok_or_else(|| KeyError::EmptyKeyFile { path: self.path.clone() })?;
        Ok(Keyring::new(current, keys.collect()))
    }

    fn io(&self, action: &'static str, source: std::io::Error) -> KeyError {
        KeyError::Io { action, path: self.path.clone(), source }
    }
}

/// Writes one key a line and flushes to disk; the text is wiped from memory afterwards.
fn write_keys(file: &mut File, keys: &[&MasterKey]) -> std::io::Result<()> {
    // 44 base64 characters and a newline per key; sized so the buffer never reallocates.
    let mut text = Zeroizing::new(String::with_capacity(keys.len() * 45));
    for key in keys {
        text.push_str(key.to_base64().expose_secret());
        text.push('\n');
    }
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Opens a new file readable and writable by its owner only; fails when it exists.
fn new_private_file(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

/// Creates missing directories as 0700 (existing ones are left as they are).
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Makes a create or rename durable: on unix, a directory entry survives a crash only once the
/// directory itself is synced.
fn sync_parent(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// A key file others can read is a leak waiting to happen, but refusing to start would turn a
/// permissions slip into an outage: warn instead.
fn warn_if_readable_by_others(file: &File, path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(meta) = file.metadata() {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                tracing::warn!(path = %path.display(), mode = format!("{mode:o}"), "master key file is accessible to group or others; chmod 600 it");
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
    }
}

#[cfg(test)]
#[path = "key_file_tests.rs"]
mod tests;
